"""One module per department feed; no Airflow imports here."""

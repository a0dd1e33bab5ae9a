"""Airflow wiring: the only package that imports Airflow. DAG files under dags/ call it."""

{#- md5 of the listed columns' text values (NULL-safe, order-sensitive): a row's content hash
    for the history snapshots (check strategy on record_hash, provenance excluded). -#}
{% macro row_hash(columns) -%}
    md5(concat_ws(
        '|',
        {%- for column in columns %}
        coalesce({{ column }}::text, '∅'){{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

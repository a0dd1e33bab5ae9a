{#- The previous state of an incremental history mart (verification_alert, monitoring_risk,
    monitoring_object, college_aid): its rows when the table exists, else an empty relation
    with the same columns, so the merge with this run's rows is one query either way.
    `columns` maps each column the merge reads to its type, in order. -#}
{% macro previous_state(columns) %}
    {%- if is_incremental() %}
    select {{ columns.keys() | join(', ') }}
    from {{ this }}
    {%- else %}
    select
        {%- for name, type in columns.items() %}
        cast(null as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    where false
    {%- endif %}
{% endmacro %}

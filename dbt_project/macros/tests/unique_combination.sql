{#- Generic test: the combination of the listed columns is unique (dbt_utils is not used: the
    project installs no packages). -#}
{% test fupin_unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

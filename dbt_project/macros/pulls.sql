{#- Pulled sources (vehicle, business, dibao): one version per record key and change time.

    source_change_time: the source's ISO-8601 change time (validated by the connector before
    it landed) as timestamptz. source_change_date: its calendar day in the departments' time
    zone (Asia/Shanghai), the day compared with the check date. -#}
{% macro source_change_time(column) -%}
    {{ column }}::timestamptz
{%- endmacro %}

{% macro source_change_date(column) -%}
    ({{ column }} at time zone 'Asia/Shanghai')::date
{%- endmacro %}

{#- The current state per key as of the check date: the newest version changed on or before it.
    versions_model: a *_versions staging model; key: its record key column. -#}
{% macro current_as_of(versions_model, key, changed_column) -%}
    select versions.*
    from (
        select
            v.*,
            row_number() over (
                partition by v.{{ key }} order by v.{{ changed_column }} desc
            ) as version_rank
        from {{ ref(versions_model) }} as v
        where {{ source_change_date('v.' ~ changed_column) }} <= {{ as_of_date() }}
    ) as versions
    where versions.version_rank = 1
{%- endmacro %}

-- 建档立卡 户信息: one row per household row of every landed registry snapshot (all periods;
-- int_registry__current_households picks the current one per county).
-- A table built incrementally by batch (macros/incremental_by_batch.sql): its data tests and
-- readers read typed rows instead of typing every month of every county again, and a run types
-- new workbooks only.
{{ incremental_by_batch('registry', 'registry__household') }}
with

source as (
    {{ landed_rows('registry', 'registry__household', by_batch=true) }}
),

renamed as (
    select
        {{ clean_text('"户编号"') }} as household_id,
        {{ clean_text('"村代码"') }} as village_code,
        {{ clean_text('"户主姓名"') }} as head_name,
        {{ clean_text('"户主证件号码"') }} as head_id_number_raw,
        {{ normalize_id_number('"户主证件号码"') }} as head_id_number,
        {{ clean_text('"贫困户属性"') }} as attribute,
        {{ clean_text('"识别标准"') }} as identification_standard,
        {{ clean_text('"主要致贫原因"') }} as main_cause,
        {{ clean_text('"其他致贫原因"') }} as other_causes_raw,
        {{ parse_integer('"家庭人口数"') }} as size,
        {{ parse_decimal('"耕地面积（亩）"') }} as farmland_mu,
        {{ parse_decimal('"住房面积（平方米）"') }} as housing_area_m2,
        {{ clean_text('"危房等级"') }} as house_danger_level,
        {{ parse_yes_no('"饮水安全"') }} as has_safe_drinking_water,
        {{ parse_amount('"工资性收入"') }} as wage_income,
        {{ parse_amount('"生产经营性收入"') }} as business_income,
        {{ parse_amount('"财产性收入"') }} as property_income,
        {{ parse_amount('"转移性收入"') }} as transfer_income,
        {{ parse_amount('"生产经营性支出"') }} as business_expense,
        {{ parse_amount('"年人均纯收入"') }} as net_income_per_capita,
        {{ clean_text('"脱贫标志"') }} as poverty_status,
        {{ parse_integer('"脱贫年度"') }} as exit_year,
        {{ parse_integer('"识别年度"') }} as identified_year,
        {{ clean_text('"开户银行"') }} as bank_name,
        {{ clean_text('"银行账号"') }} as bank_account,
        {{ clean_text('"联系电话"') }} as phone,
        _batch_id as batch_id,
        _source_file as source_file,
        _source_row as source_row,
        _delivery_period as registry_period,
        _delivery_scope as registry_county_code,
        _delivery_version as delivery_version,
        _delivered_at as delivered_at,
        _checked_at as batch_checked_at
    from source
),

final as (
    select
        *,
        {{ id_number_is_valid('head_id_number') }} as head_id_number_valid,
        array_remove(
            array(
                select btrim(cause.value) as cause_value
                from unnest(string_to_array(other_causes_raw, '、')) as cause (value)
            ),
            ''
        ) as other_causes
    from renamed
)

select * from final

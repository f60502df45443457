-- The floor any pipeline over the bench's one-stop files pays: one DuckDB script that
-- reads the same daily files directly (no ledger, no quarantine, no validation, no dbt),
-- keeps the latest version of each dossier and computes the province-wide quarterly
-- online_rate and on_time_rate (calendar quarters, marts.md's definitions).
-- `{landing}` is replaced by bench/baseline.py with the landing root.
create or replace temp table versions as
with layout_a as (
    select
        "Mã hồ sơ" as dossier_code,
        case "Kênh nộp" when 'Trực tuyến' then 'online' else 'other' end as channel,
        case "Trạng thái"
            when 'Mới đăng ký' then 1 when 'Được tiếp nhận' then 2
            when 'Không được tiếp nhận' then 3 when 'Đang xử lý' then 4
            when 'Yêu cầu bổ sung giấy tờ' then 5
            when 'Yêu cầu thực hiện nghĩa vụ tài chính' then 6
            when 'Công dân yêu cầu rút hồ sơ' then 7 when 'Dừng xử lý' then 8
            when 'Đã xử lý xong' then 9 when 'Đã trả kết quả' then 10
        end as status,
        try_strptime("Ngày tiếp nhận", ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y']) as received_at,
        try_strptime(nullif("Ngày hẹn trả", ''), ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y']) as due_at,
        try_strptime(nullif("Ngày hoàn thành", ''), ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y'])
            as completed_at,
        try_strptime("Ngày cập nhật", ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y']) as updated_at,
        filename
    from read_csv(
        '{landing}/one_stop/mot_cua_tinh/**/*.csv',
        all_varchar = true, header = true, filename = true
    )
),

layout_b as (
    select
        MaHoSo as dossier_code,
        KenhThucHien as channel_code,
        TrangThaiHoSo as status_code,
        NgayTiepNhan as received,
        NgayHenTra as due,
        NgayKetThucXuLy as completed,
        NgayCapNhat as updated,
        filename
    from read_csv(
        '{landing}/one_stop/dvc_dongbo/csv/**/*.csv',
        all_varchar = true, header = true, filename = true
    )
    union all
    select
        MaHoSo, KenhThucHien, TrangThaiHoSo, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy,
        NgayCapNhat, filename
    from read_json(
        '{landing}/one_stop/dvc_dongbo/jsonl/**/*.jsonl',
        format = 'newline_delimited', filename = true,
        columns = {
            MaHoSo: 'varchar', KenhThucHien: 'varchar', TrangThaiHoSo: 'varchar',
            NgayTiepNhan: 'varchar', NgayHenTra: 'varchar', NgayKetThucXuLy: 'varchar',
            NgayCapNhat: 'varchar'
        }
    )
)

select * from layout_a
union all
select
    dossier_code,
    case channel_code when '2' then 'online' else 'other' end,
    try_cast(status_code as integer),
    try_strptime(received, '%Y%m%d%H%M%S'),
    try_strptime(nullif(due, ''), '%Y%m%d%H%M%S'),
    try_strptime(nullif(completed, ''), '%Y%m%d%H%M%S'),
    try_strptime(updated, '%Y%m%d%H%M%S'),
    filename
from layout_b;

create or replace temp table latest as
select *
from versions
where dossier_code <> '' and received_at is not null and updated_at is not null
qualify row_number() over (
    partition by dossier_code order by updated_at desc, filename desc
) = 1;

with counted as (
    select * from latest where status in (2, 4, 5, 6, 7, 8, 9, 10)
),

received as (
    select
        date_trunc('quarter', received_at)::date as quarter_start,
        count(*) as received,
        count(*) filter (where channel = 'online') as received_online
    from counted
    group by 1
),

resolved as (
    select
        date_trunc('quarter', completed_at)::date as quarter_start,
        count(*) as resolved,
        count(*) filter (
            where due_at is null or completed_at::date <= due_at::date
        ) as resolved_in_time
    from counted
    where status in (9, 10) and completed_at is not null
    group by 1
)

select
    coalesce(r.quarter_start, s.quarter_start) as quarter_start,
    r.received,
    r.received_online::double / nullif(r.received, 0) as online_rate,
    s.resolved,
    s.resolved_in_time::double / nullif(s.resolved, 0) as on_time_rate
from received as r
full join resolved as s on r.quarter_start = s.quarter_start
order by 1;

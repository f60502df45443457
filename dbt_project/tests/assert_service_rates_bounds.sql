-- service_rates rows out of bounds: numerator above the denominator or negative, a rate
-- outside [0, 1] (avg_wait_minutes is minutes, not a rate), a rate where the denominator
-- is 0, or a rate that is not numerator / denominator.
select *  -- noqa: AM04
from {{ ref('service_rates') }}
where
    numerator < 0
    or denominator < 0
    or (denominator = 0 and rate is not null)
    or (denominator > 0 and rate is null)
    or (
        indicator <> 'avg_wait_minutes'
        and (numerator > denominator or rate < 0 or rate > 1)
    )
    or abs(rate - numerator / cast(denominator as {{ type_double() }})) > 1e-9

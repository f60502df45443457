"""Dossiers and their versions, generated vectorised (numpy) for a range of intake days.

A dossier is drawn once (agency, procedure, channel, dates, outcome); its *versions* are
the rows a one-stop system exports as its status moves:

    [1 registered online] → 2 received | 4 processing → [4] → [5 → 4 supplement]
        → [6 financial obligation] → 7 withdrawn | 8 stopped | 9 processed → [10 returned]
    or → 3 refused at intake;   or 1 only (never received)

Versions updated after the export horizon are never written, so dossiers received late
stay open. All times are int64 seconds of naive local time (see dates.py); ``-1`` = empty.
The same code serves the bundled sample (one chunk) and the benchmark (many chunks):
every random draw comes from the caller's generator, so a chunk is reproducible alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from samplegen.catalogue import Catalogue
from samplegen.dates import DAY, HOUR, MINUTE, add_working_days, is_working_day

NULL = -1
IN_PERSON, ONLINE, POSTAL = 0, 1, 2
FULL, PARTIAL, INFO = 0, 1, 2
LEVEL_CODES = {"full": FULL, "partial": PARTIAL, "info": INFO}
NORMAL, WITHDRAWN, STOPPED, REFUSED, REGISTERED = 0, 1, 2, 3, 4
# Versions per dossier of this lifecycle model (measured), to size intake from a volume.
VERSIONS_PER_DOSSIER = 3.86

# Version steps, in time order; a dossier has a subset of them.
STEP_REGISTER, STEP_INTAKE, STEP_PROCESS, STEP_SUPPLEMENT, STEP_RESUME = 0, 1, 2, 3, 4
STEP_FEE, STEP_CLOSE, STEP_RETURN = 5, 6, 7
N_STEPS = 8


@dataclass(frozen=True)
class Trend:
    """Rates that move over the period (linear in time from ``start`` to ``end`` value)."""

    online_full: tuple[float, float] = (0.62, 0.93)
    online_partial: tuple[float, float] = (0.40, 0.70)
    online_info: tuple[float, float] = (0.04, 0.10)
    postal_of_offline: float = 0.06
    late: tuple[float, float] = (0.018, 0.005)
    on_time: float = 0.22
    digitized: tuple[float, float] = (0.55, 0.90)
    reused: tuple[float, float] = (0.25, 0.58)
    e_result: tuple[float, float] = (0.45, 0.88)
    paid_online_if_online: tuple[float, float] = (0.25, 0.62)
    paid_online_if_offline: tuple[float, float] = (0.04, 0.15)
    rated: float = 0.35
    rating_p: tuple[float, float, float] = (0.62, 0.36, 0.02)  # very / satisfied / not
    registered_only: float = 0.004
    refused: float = 0.005
    withdrawn: float = 0.009
    stopped: float = 0.006
    supplement: float = 0.06
    fee_step: float = 0.35
    returned: float = 0.88
    registration_version: float = 0.30


def _lerp(pair: tuple[float, float], t: np.ndarray) -> np.ndarray:
    return pair[0] + (pair[1] - pair[0]) * t


def intake_weights(days: np.ndarray, first_day: int, last_day: int) -> np.ndarray:
    """Expected intake of each calendar day relative to ``per_day``: weekdays busy (Monday
    most), weekends and public holidays only an online trickle, Tết low, a December
    year-end rush, slow growth over the period."""
    weekday = ((days + 3) % 7).astype(int)  # 1970-01-01 was a Thursday → Monday = 0
    factor = np.array([1.25, 1.18, 1.12, 1.08, 1.02, 0.16, 0.07])[weekday]
    working = is_working_day(days)
    factor = np.where(working | (weekday >= 5), factor, 0.07)
    month = (days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12) + 1
    factor = factor * np.where(month == 12, 1.12, 1.0) * np.where(month == 2, 0.85, 1.0)
    growth = 1.0 + 0.10 * (days - first_day) / max(1, last_day - first_day)
    return factor * growth


def per_day_for(dossiers: float, first_day: int, last_day: int) -> float:
    """The ``per_day`` rate that yields about ``dossiers`` over [first_day, last_day]."""
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    return dossiers / float(intake_weights(days, first_day, last_day).sum())


def daily_counts(
    rng: np.random.Generator, days: np.ndarray, per_day: float, first_day: int, last_day: int
) -> np.ndarray:
    """Poisson intake per calendar day (see ``intake_weights``)."""
    return rng.poisson(per_day * intake_weights(days, first_day, last_day))


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """A minute within office hours (07:30–11:30, 13:30–17:00)."""
    minute = rng.integers(0, 240 + 210, n)
    return np.where(
        minute < 240, 7.5 * HOUR + minute * MINUTE, 13.5 * HOUR + (minute - 240) * MINUTE
    ).astype(np.int64)


def _any_hour_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Online submissions: mostly 07:00–22:00, some at any hour."""
    daytime = 7 * HOUR + rng.integers(0, 15 * 60, n) * MINUTE
    anytime = rng.integers(0, 24 * 60, n) * MINUTE
    return np.where(rng.random(n) < 0.8, daytime, anytime).astype(np.int64)


def _pick_procedures(
    rng: np.random.Generator, catalogue: Catalogue, agency_idx: np.ndarray
) -> np.ndarray:
    agencies, procs = catalogue.agencies, catalogue.procedures
    out = np.empty(len(agency_idx), dtype=np.int64)
    level = procs["level"].to_numpy()
    owner = procs["agency_code"].to_numpy()
    weight = procs["weight"].to_numpy()
    for a in np.unique(agency_idx):
        rows = np.flatnonzero(agency_idx == a)
        code, lvl = agencies["agency_code"].iat[a], agencies["level"].iat[a]
        eligible = np.flatnonzero((level == lvl) & ((owner == code) | (owner == "")))
        p = weight[eligible] / weight[eligible].sum()
        out[rows] = rng.choice(eligible, len(rows), p=p)
    return out


def generate_dossiers(
    rng: np.random.Generator,
    catalogue: Catalogue,
    day_from: int,
    day_to: int,
    per_day: float,
    first_day: int,
    last_day: int,
    n_people: int,
    trend: Trend | None = None,
) -> pd.DataFrame:
    """One row per dossier received on days ``day_from..day_to`` (day numbers, inclusive).
    ``first_day``/``last_day`` span the whole generation (time trends are relative to it)."""
    tr = trend or Trend()
    days = np.arange(day_from, day_to + 1, dtype=np.int64)
    counts = daily_counts(rng, days, per_day, first_day, last_day)
    day = np.repeat(days, counts)
    n = len(day)
    t = (day - first_day) / max(1, last_day - first_day)

    agencies, procs = catalogue.agencies, catalogue.procedures
    w = agencies["weight"].to_numpy()
    agency_idx = rng.choice(len(agencies), n, p=w / w.sum())
    proc_idx = _pick_procedures(rng, catalogue, agency_idx)

    # Service level as submitted: the procedure's level before its upgrade day, if any.
    upgrade_day = procs["upgrade_day"].to_numpy()[proc_idx]
    now_level = procs["service_level"].map(LEVEL_CODES).to_numpy()[proc_idx]
    old_level = procs["base_level"].map(LEVEL_CODES).to_numpy()[proc_idx]
    level_own = np.where((upgrade_day >= 0) & (day < upgrade_day), old_level, now_level)

    p_online = np.select(
        [level_own == FULL, level_own == PARTIAL],
        [_lerp(tr.online_full, t), _lerp(tr.online_partial, t)],
        _lerp(tr.online_info, t),
    )
    working = is_working_day(day)
    online = (rng.random(n) < p_online) | ~working  # desks are closed: only online intake
    postal = ~online & (rng.random(n) < tr.postal_of_offline)
    channel = np.where(online, ONLINE, np.where(postal, POSTAL, IN_PERSON))

    received_at = day * DAY + np.where(online, _any_hour_seconds(rng, n), _office_seconds(rng, n))

    # Outcome of the dossier.
    u = rng.random(n)
    edges = np.cumsum([tr.registered_only, tr.refused, tr.withdrawn, tr.stopped])
    kind = np.select(
        [u < edges[0], u < edges[1], u < edges[2], u < edges[3]],
        [REGISTERED, REFUSED, WITHDRAWN, STOPPED],
        NORMAL,
    )
    kind = np.where((kind == REGISTERED) & ~online, NORMAL, kind)

    # Due date: n working days after intake, at 17:00; some procedures have none.
    duration = procs["duration"].to_numpy()[proc_idx]
    no_due = procs["no_due"].to_numpy()[proc_idx] | (rng.random(n) < 0.008)
    due_day = add_working_days(day, duration)
    due_base = np.where(no_due, NULL, due_day * DAY + 17 * HOUR)
    supplement = np.isin(kind, (NORMAL, WITHDRAWN, STOPPED)) & (rng.random(n) < tr.supplement)
    extension = np.where(supplement, rng.integers(2, 11, n) * DAY, 0)
    due_final = np.where(no_due, NULL, due_base + extension)
    due_final_day = np.where(no_due, NULL, due_final // DAY)

    # Completion of normal dossiers: early, on the due day, or late.
    # Land and construction files run late most (site visits, inter-agency opinions), and a
    # few agencies are slower than the rest; some late files drag on for weeks, so reports
    # have overdue pending dossiers at their cut-off.
    agency_slack = np.where(agency_idx % 7 == 3, 2.0, 1.0)
    group = procs["field_group"].to_numpy()[proc_idx]
    field_slack = np.where(np.isin(group, ("dat_dai", "xay_dung")), 3.0, 1.0)
    p_late = _lerp(tr.late, t) * agency_slack * field_slack
    v = rng.random(n)
    late = v < p_late
    on_time = ~late & (v < p_late + tr.on_time)
    early_span = np.maximum(due_final_day - day, 1)
    early_day = day + np.floor(rng.random(n) * early_span).astype(np.int64)
    delay = np.where(rng.random(n) < 0.35, rng.integers(10, 90, n), rng.integers(1, 9, n))
    comp_day = np.where(late, due_final_day + delay, np.where(on_time, due_final_day, early_day))
    comp_time = comp_day * DAY + 27_000 + rng.integers(0, 9 * HOUR, n)  # from 07:30
    # On the due day itself, finish before the 17:00 appointment.
    comp_time = np.where(
        on_time, np.minimum(comp_time, comp_day * DAY + 16 * HOUR + 59 * MINUTE), comp_time
    )
    soonest = received_at + rng.integers(10, 240, n) * MINUTE
    same_day_cap = day * DAY + DAY - 1
    comp_time = np.where(
        comp_day == day, np.minimum(np.maximum(comp_time, soonest), same_day_cap), comp_time
    )
    comp_time = np.maximum(comp_time, received_at)
    no_due_comp = received_at + rng.integers(1 * HOUR, 5 * DAY, n)
    completed_at = np.where(no_due, no_due_comp, comp_time)

    # Withdrawn / stopped: somewhere before the due date; the completion date is filled in
    # by some systems only (the contract then closes them on the update date).
    span = np.where(no_due, 6 * DAY, np.maximum(due_final - received_at, HOUR))
    close_ws = received_at + (span * rng.uniform(0.1, 0.8, n)).astype(np.int64)
    ws = np.isin(kind, (WITHDRAWN, STOPPED))
    completed_at = np.where(ws, close_ws, completed_at)
    ws_has_completion = rng.random(n) < 0.5
    completed_at = np.where(np.isin(kind, (REFUSED, REGISTERED)), NULL, completed_at)

    returned = (kind == NORMAL) & (rng.random(n) < tr.returned)
    # Results are handed over at the desk (office hours) within a few days of completion.
    handover = (completed_at // DAY + rng.integers(0, 4, n)) * DAY + _office_seconds(rng, n)
    soonest_handover = completed_at + rng.integers(10, 120, n) * MINUTE
    handover = np.where(handover < soonest_handover, soonest_handover, handover)
    returned_at = np.where(returned, handover, NULL)

    # Flags and rating.
    online_b = channel == ONLINE
    is_digitized = rng.random(n) < np.minimum(_lerp(tr.digitized, t) + 0.05 * online_b, 0.99)
    is_reused = rng.random(n) < _lerp(tr.reused, t)
    owes_fee = procs["has_fee"].to_numpy()[proc_idx] & (rng.random(n) < 0.95)
    p_paid = np.where(
        online_b, _lerp(tr.paid_online_if_online, t), _lerp(tr.paid_online_if_offline, t)
    )
    paid_online = owes_fee & (rng.random(n) < p_paid)
    resolved = kind == NORMAL
    e_result = resolved & (rng.random(n) < _lerp(tr.e_result, t))
    rated = resolved & (rng.random(n) < tr.rated)
    rating = np.where(rated, rng.choice(np.array([1, 2, 3]), n, p=list(tr.rating_p)), 0)

    registration = online & ((kind == REGISTERED) | (rng.random(n) < tr.registration_version))
    submit_at = np.where(
        registration, received_at - rng.integers(20, 18 * 60, n) * MINUTE, received_at
    )
    submit_at = np.maximum(submit_at, first_day * DAY)  # never before the first export day
    intake_status = np.where(rng.random(n) < 0.55, 2, 4)
    fee_step = owes_fee & (kind == NORMAL) & (rng.random(n) < tr.fee_step)

    frame = pd.DataFrame(
        {
            "agency_idx": agency_idx,
            "proc_idx": proc_idx,
            "person_idx": rng.integers(0, n_people, n),
            "channel": channel.astype(np.int8),
            "level_own": level_own.astype(np.int8),
            "kind": kind.astype(np.int8),
            "submit_at": submit_at,
            "received_at": received_at,
            "due_base": due_base,
            "due_final": due_final,
            "completed_at": completed_at,
            "ws_has_completion": ws_has_completion,
            "returned_at": returned_at,
            "registration": registration,
            "intake_status": intake_status.astype(np.int8),
            "supplement": supplement,
            "fee_step": fee_step,
            "is_digitized": is_digitized,
            "is_reused": is_reused,
            "owes_fee": owes_fee,
            "paid_online": paid_online,
            "e_result": e_result,
            "rating": rating.astype(np.int8),
        }
    )
    frame = _assign_codes(frame, catalogue)
    return frame


def _assign_codes(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """``<agency>-<yymmdd>-<seq>``: the one-stop systems number dossiers per agency and day."""
    day = frame["received_at"].to_numpy() // DAY
    frame = frame.assign(_day=day)
    frame = frame.sort_values(["agency_idx", "_day", "received_at"], kind="stable")
    seq = frame.groupby(["agency_idx", "_day"], sort=False).cumcount().to_numpy() + 1
    codes = catalogue.agencies["agency_code"].to_numpy()[frame["agency_idx"].to_numpy()]
    days, inverse = np.unique(frame["_day"].to_numpy(), return_inverse=True)
    ymd = pd.to_datetime(days, unit="D").strftime("%y%m%d").to_numpy()[inverse]
    frame["dossier_code"] = [f"{c}-{d}-{s:04d}" for c, d, s in zip(codes, ymd, seq, strict=True)]
    frame = frame.sort_values(["received_at", "dossier_code"], kind="stable")
    return frame.drop(columns="_day").reset_index(drop=True)


def expand_versions(rng: np.random.Generator, d: pd.DataFrame, horizon_at: int) -> pd.DataFrame:
    """One row per version (status change) updated no later than ``horizon_at``, ordered by
    dossier then time. Columns hold the values *as the source system shows them* at that
    version: the due date moves after a supplement request, the completion date appears at
    closing, the rating only on the last version."""
    n = len(d)
    kind = d["kind"].to_numpy()
    received = d["received_at"].to_numpy()
    completed = d["completed_at"].to_numpy()
    returned_at = d["returned_at"].to_numpy()
    active = np.isin(kind, (NORMAL, WITHDRAWN, STOPPED))
    returned = returned_at != NULL

    present = np.zeros((n, N_STEPS), dtype=bool)
    status = np.zeros((n, N_STEPS), dtype=np.int8)
    at = np.full((n, N_STEPS), NULL, dtype=np.int64)

    present[:, STEP_REGISTER] = d["registration"].to_numpy()
    status[:, STEP_REGISTER] = 1
    at[:, STEP_REGISTER] = d["submit_at"].to_numpy() + rng.integers(0, 5, n) * MINUTE

    intake_at = received + rng.integers(1, 15, n) * MINUTE
    present[:, STEP_INTAKE] = kind != REGISTERED
    status[:, STEP_INTAKE] = np.where(kind == REFUSED, 3, d["intake_status"].to_numpy())
    at[:, STEP_INTAKE] = intake_at

    span = np.maximum(np.where(active, completed - intake_at, 0), 0)
    u = rng.random((n, 4))
    present[:, STEP_PROCESS] = active & (d["intake_status"].to_numpy() == 2)
    status[:, STEP_PROCESS] = 4
    at[:, STEP_PROCESS] = intake_at + (span * 0.12 * u[:, 0]).astype(np.int64)
    supplement = d["supplement"].to_numpy()
    present[:, STEP_SUPPLEMENT] = supplement
    status[:, STEP_SUPPLEMENT] = 5
    at[:, STEP_SUPPLEMENT] = intake_at + (span * (0.2 + 0.15 * u[:, 1])).astype(np.int64)
    present[:, STEP_RESUME] = supplement
    status[:, STEP_RESUME] = 4
    at[:, STEP_RESUME] = intake_at + (span * (0.45 + 0.15 * u[:, 2])).astype(np.int64)
    present[:, STEP_FEE] = d["fee_step"].to_numpy()
    status[:, STEP_FEE] = 6
    at[:, STEP_FEE] = intake_at + (span * (0.65 + 0.2 * u[:, 3])).astype(np.int64)
    present[:, STEP_CLOSE] = active
    status[:, STEP_CLOSE] = np.select([kind == WITHDRAWN, kind == STOPPED], [7, 8], 9)
    at[:, STEP_CLOSE] = completed + rng.integers(1, 90, n) * MINUTE
    present[:, STEP_RETURN] = returned
    status[:, STEP_RETURN] = 10
    at[:, STEP_RETURN] = returned_at + rng.integers(1, 30, n) * MINUTE

    # Each version strictly after the previous one (at least a minute), so that "latest
    # update wins" never depends on a tie inside one dossier.
    last = np.full(n, np.iinfo(np.int64).min // 2, dtype=np.int64)
    for s in range(N_STEPS):
        p = present[:, s]
        at[:, s] = np.where(p, np.maximum(at[:, s], last + MINUTE), at[:, s])
        last = np.where(p, at[:, s], last)

    present &= at <= horizon_at
    rows, step = np.nonzero(present)
    step = step.astype(np.int8)
    v_kind = kind[rows]
    ws_completion = d["ws_has_completion"].to_numpy()[rows]
    is_last = np.r_[rows[1:] != rows[:-1], True]
    closed_step = step >= STEP_CLOSE
    versions = pd.DataFrame(
        {
            "d": rows,
            "step": step,
            "status": status[rows, step],
            "updated_at": at[rows, step],
            "received_at": np.where(
                step == STEP_REGISTER, d["submit_at"].to_numpy()[rows], received[rows]
            ),
            "due_at": np.where(
                (step == STEP_REGISTER) | (v_kind == REFUSED),
                NULL,
                np.where(
                    step >= STEP_RESUME,
                    d["due_final"].to_numpy()[rows],
                    d["due_base"].to_numpy()[rows],
                ),
            ),
            "completed_at": np.where(
                closed_step & ((v_kind == NORMAL) | ws_completion), completed[rows], NULL
            ),
            "returned_at": np.where(step == STEP_RETURN, returned_at[rows], NULL),
            "is_digitized": d["is_digitized"].to_numpy()[rows] & (step != STEP_REGISTER),
            "is_reused": d["is_reused"].to_numpy()[rows] & (step != STEP_REGISTER),
            "has_e_result": d["e_result"].to_numpy()[rows] & closed_step,
            "owes_fee": d["owes_fee"].to_numpy()[rows],
            "paid_online": d["paid_online"].to_numpy()[rows] & (step != STEP_REGISTER),
            "rating": np.where(
                closed_step
                & (v_kind == NORMAL)
                & is_last
                & ((step == STEP_RETURN) | ~returned[rows]),
                d["rating"].to_numpy()[rows],
                0,
            ).astype(np.int8),
        }
    )
    return versions

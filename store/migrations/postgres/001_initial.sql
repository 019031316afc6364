-- PostgreSQL twin of store/migrations/001_initial.sql: the same tables, columns and types (checked by
-- tests/store/test_shared_store.py); only the spelling differs where the two databases differ.
-- Reference data: reloaded from data/reference/ at start-up (admin-editable ones only where absent).
CREATE TABLE region (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE force (
    code TEXT PRIMARY KEY,            -- data.police.uk slug, e.g. 'south-yorkshire'
    ons_code TEXT,                    -- ONS police force area code, NULL for BTP
    name TEXT NOT NULL,               -- official name, e.g. 'South Yorkshire Police'
    short_name TEXT NOT NULL,         -- e.g. 'South Yorkshire'
    region TEXT NOT NULL,             -- region.code
    country TEXT NOT NULL             -- England, Wales, Scotland, Northern Ireland, Great Britain (BTP)
);

CREATE TABLE force_alias (
    alias_key TEXT PRIMARY KEY,       -- normalised spelling (see loaders/reference/forces.py)
    alias TEXT NOT NULL,              -- spelling as seen in the wild
    force_code TEXT NOT NULL
);

CREATE TABLE pillar (
    code TEXT PRIMARY KEY,            -- P1 .. P5
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE measure (
    code TEXT PRIMARY KEY,            -- e.g. 'arrests'
    label TEXT NOT NULL,
    unit TEXT NOT NULL,               -- count | gbp
    pillar TEXT NOT NULL,
    return_kind TEXT NOT NULL,        -- force-return | ports-return
    totals TEXT NOT NULL,             -- sum | max: how figures combine across returns
    daily BOOLEAN NOT NULL,           -- reported per day of the operation as well as in total
    required BOOLEAN NOT NULL,        -- a return must state it (0 is a statement; blank is not)
    headline BOOLEAN NOT NULL,
    description TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE operation (
    code TEXT PRIMARY KEY,            -- e.g. 'OA2025'
    name TEXT NOT NULL,
    kind TEXT NOT NULL,               -- week-of-action | ports | local
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    returns_due DATE,                 -- first returns expected by this date
    lead TEXT NOT NULL,
    parent TEXT,                      -- a funded local operation's grant or national operation
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT NOT NULL
);

CREATE TABLE operation_force (      -- forces expected to send a return for an operation
    operation TEXT NOT NULL,
    force_code TEXT NOT NULL,
    PRIMARY KEY (operation, force_code)
);

CREATE TABLE grant_fund (
    ref TEXT PRIMARY KEY,             -- G1, G2, ...
    name TEXT NOT NULL,
    funder TEXT NOT NULL,
    amount_gbp DECIMAL(14, 2) NOT NULL,
    financial_year TEXT NOT NULL,     -- '2025-26'
    public_total BOOLEAN NOT NULL,    -- the amount itself is public
    source TEXT NOT NULL
);

CREATE TABLE allocation (
    ref TEXT PRIMARY KEY,
    grant_ref TEXT NOT NULL,
    purpose TEXT NOT NULL,
    recipient TEXT NOT NULL,          -- force code, 'navcis', 'opal', 'police-cpi', 'nvcrp', ...
    pillar TEXT NOT NULL,
    operation TEXT,
    amount_gbp DECIMAL(14, 2) NOT NULL,
    illustrative BOOLEAN NOT NULL     -- split not public: invented to add up to the public total
);

CREATE TABLE force_bid (
    force_code TEXT NOT NULL,
    grant_ref TEXT NOT NULL,
    operation TEXT,                   -- the funded local operation, when one was awarded
    amount_bid_gbp DECIMAL(14, 2) NOT NULL,
    amount_awarded_gbp DECIMAL(14, 2) NOT NULL,
    illustrative BOOLEAN NOT NULL,
    PRIMARY KEY (force_code, grant_ref)
);

CREATE TABLE port (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE published_figure (
    id INTEGER PRIMARY KEY,
    operation TEXT NOT NULL,
    measure TEXT NOT NULL,
    value DECIMAL(18, 2) NOT NULL,
    qualifier TEXT NOT NULL,          -- exact | at_least | approximately | estimate
    stated_on DATE NOT NULL,
    wording TEXT NOT NULL,            -- as published, e.g. 'more than 365 arrests so far'
    source TEXT NOT NULL
);

CREATE TABLE recorded_crime (       -- ONS police recorded crime, for per-1,000 rates
    force_code TEXT NOT NULL,
    period TEXT NOT NULL,             -- 'year ending June 2025'
    vehicle_offences INTEGER NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (force_code, period)
);

-- Submissions: append-only. Rows are inserted, never updated or deleted, except upload.outcome,
-- which moves once from 'in_progress' to its final state.
CREATE SEQUENCE upload_id_seq START 1;

CREATE TABLE upload (
    id BIGINT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    return_kind TEXT,                 -- force-return | ports-return | spend-return, when known
    return_key TEXT,
    outcome TEXT NOT NULL,            -- in_progress | accepted | duplicate | rejected | failed
    rows_read INTEGER,
    values_stored INTEGER,
    archive_path TEXT,                -- relative to the archive folder
    message TEXT
);

CREATE SEQUENCE submission_id_seq START 1;

CREATE TABLE submission (
    id BIGINT PRIMARY KEY,
    upload_id BIGINT NOT NULL,
    return_key TEXT NOT NULL,         -- '<operation or grant>:<submitter>:<kind>[:<period>]'
    return_kind TEXT NOT NULL,
    operation TEXT,                   -- NULL for spend returns
    submitter TEXT NOT NULL,          -- force code, 'navcis', or grant recipient
    grant_ref TEXT,                   -- spend returns
    period TEXT,                      -- spend returns: financial year
    version INTEGER NOT NULL,
    supersedes BIGINT,                -- submission.id of the previous version
    data_as_of DATE NOT NULL,
    received_at TIMESTAMP NOT NULL,
    layout_version TEXT,
    contact TEXT,
    UNIQUE (return_key, version)
);

CREATE TABLE value (
    submission_id BIGINT NOT NULL,
    measure TEXT NOT NULL,
    day DATE,                         -- NULL: the return's total for the measure
    port TEXT,                        -- ports returns: the port, NULL for all ports
    value DECIMAL(18, 2),             -- NULL: not recorded (distinct from 0)
    qualifier TEXT NOT NULL,          -- exact | at_least | approximately | estimate | not_recorded
    note TEXT,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,             -- Excel row number as the user sees it
    col TEXT NOT NULL                 -- Excel column letter
);

CREATE TABLE vehicle (              -- recovered vehicles (force and ports returns)
    submission_id BIGINT NOT NULL,
    recovered_on DATE,
    port TEXT,
    container_ref TEXT,
    vehicle_type TEXT,
    make TEXT,
    model TEXT,
    status TEXT,                      -- confirmed stolen | suspected stolen
    origin_force TEXT,
    value_gbp DECIMAL(14, 2),
    value_qualifier TEXT,
    note TEXT,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL
);

CREATE TABLE container (            -- containers examined (ports returns)
    submission_id BIGINT NOT NULL,
    container_ref TEXT NOT NULL,
    port TEXT NOT NULL,
    examined_on DATE,
    destination TEXT,
    result TEXT,                      -- positive | negative
    vehicles_found INTEGER,
    value_gbp DECIMAL(14, 2),
    value_qualifier TEXT,
    note TEXT,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL
);

CREATE TABLE spend_line (           -- spend returns
    submission_id BIGINT NOT NULL,
    spent_on DATE,
    pillar TEXT NOT NULL,
    operation TEXT,
    allocation_ref TEXT,
    category TEXT NOT NULL,
    description TEXT,
    amount_gbp DECIMAL(14, 2) NOT NULL,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL
);

CREATE TABLE upload_issue (
    upload_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,           -- error | warning
    sheet TEXT,
    row INTEGER,
    col TEXT,
    header TEXT,
    value TEXT,
    message TEXT NOT NULL,
    PRIMARY KEY (upload_id, seq)
);

CREATE SEQUENCE audit_id_seq START 1;

CREATE TABLE audit (
    id BIGINT PRIMARY KEY,
    at_time TIMESTAMP NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,             -- upload | export | sign_in | denied | reference_edit | ...
    detail JSON,
    marking TEXT,
    data_version BIGINT
);

"""Reading the platforms' own order exports, as sellers download them, into records.

Map: reading.py (one upload: ``parse`` into records or row errors, ``detect`` its platform),
tables.py (bytes → rows: encodings, CSV, XLSX), cells.py (one cell → text, amount, time,
quantity), status.py (status texts → STAGE_*), common.py (columns by name, errors), grouped.py
(one row per line → orders), taobao.py, jd.py, pdd.py, douyin.py (each platform's columns).
Imports models, records and labels; never views or intake.
"""

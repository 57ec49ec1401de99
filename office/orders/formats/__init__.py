"""Reading the platforms' own order exports, as sellers download them, into records.

Map: reading.py (one upload: ``parse`` into records or row errors, ``detect`` its platform),
tables.py (bytes → rows: encodings, CSV, XLSX), cells.py (one cell → text, amount, time,
quantity), status.py (status texts → STAGE_*), common.py (columns by name, errors), grouped.py
(one row per line → orders: order-level amounts repeated, line-level ones summed), taobao.py
(the two-file download), qianniu.py (Taobao/Tmall's one-workbook 千牛 export), jd.py, pdd.py, douyin.py (each platform's columns: which are the order's and which the line's,
and where the paid time comes from, are written in each module's docstring).
Imports models, records and labels; never views or intake.
"""

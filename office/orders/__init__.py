"""Orders (订单): shops, import of the platforms' own exports, the JSON API's intake,
validation on arrival, routing to queues, the lifecycle, shipping notes, the warehouse board.

Map: access.py (who works orders, who sees customer data, masking), records.py (what an
order is before it is saved), formats/ (reading Taobao/Tmall, JD, Pinduoduo and Douyin
exports into records), intake.py (saving records: idempotent, all or nothing, the import
report), shops.py (finding or creating a shop, a new shop's platform, what a shop holds),
imports.py (export files imported at once or as a stored batch: the job, its progress and
errors), validation.py (problems on arrival → the exception queue), routing.py (rules →
queues), lifecycle.py (status moves, priority, merge, split, courier and tracking, the
timeline), logistics.py (orders not picked up or stuck), queries.py (lists, lookup, board),
board.py (the warehouse board's rules), notes.py (shipping notes, barcodes), entry.py (orders
typed in by hand), labels.py (the words for statuses, platforms, queues); cli.py (``flask
orders``). Web: blueprint.py (bp, template globals, the live registration), forms.py,
rule_forms.py, pages.py (the order page's context, the open order page's live sections),
live.py (what the live stream redraws), views/ (the routes). Rules never import views, pages,
forms or tasks (imports.py's progress store aside).
"""

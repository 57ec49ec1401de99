"""Work orders (issue 15): one engine for 任务单, 售后 cases, complaints and incidents.

Rules: engine.py (every action: one locked transaction, a timeline row, inbox items, a live
event), sla.py (the first-response and resolution clocks in working hours, and the breach
sweep tasks/workorders.py runs), visibility.py (who may see an order, as a check and as a list
condition; who manages it), queries.py (the list tabs and filters).
Web: views.py (bp), pages.py (labels, clock text, the detail page's context), live.py (what the
stream redraws: the open order, the open list), forms.py.
"""

"""The office calendar (issue 15, point 2): working periods, working weekdays, holidays (放假) and
make-up working days (调休上班), stored and edited by admins, read by SLA clocks and leave.

- calendars.py: the rules. ``office_calendar()`` (a ``workhours.WorkCalendar`` from the rows,
  cached per request), ``round_the_clock()`` for 24×7 kinds, saving periods and weekdays,
  adding and removing dates, importing a year's official schedule all or nothing.
- pages.py: the month view's context.
- views.py: the blueprint (/calendar/: every signed-in user views; /calendar/edit: admins).
"""

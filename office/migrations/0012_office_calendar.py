"""The office calendar (issue 15, point 2): working periods and weekdays (one settings row) and
the dated exceptions, holidays (放假) and make-up working days (调休上班).

Seeded with the State Council's schedule for 2026 (国务院办公厅关于2026年部分节假日安排的通知,
dated 2025-11-04, published by Xinhua; gov.cn content_7047090), so a fresh install counts leave
and SLA clocks right without anyone typing it in. Later years are imported on /calendar/edit.

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import CharField, DateField, DateTimeField, Model

# (first day, last day, name) of each holiday, and (day, name) of each make-up working day.
HOLIDAYS_2026 = (
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
)
MAKEUP_DAYS_2026 = (
    ("2026-01-04", "元旦"),
    ("2026-02-14", "春节"), ("2026-02-28", "春节"),
    ("2026-05-09", "劳动节"),
    ("2026-09-20", "国庆节"), ("2026-10-10", "国庆节"),
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class CalendarSettings(Base):
        periods = CharField(max_length=200)
        workdays = CharField(max_length=7)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "calendar_settings"

    class CalendarDay(Base):
        day = DateField(unique=True)
        kind = CharField(max_length=10)
        name = CharField(max_length=40, default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "calendar_days"

    db.create_tables([CalendarSettings, CalendarDay])
    CalendarSettings.create(periods="09:00-12:00,13:30-18:00", workdays="12345")
    rows = []
    for first, last, name in HOLIDAYS_2026:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            rows.append({"day": day, "kind": "holiday", "name": name})
            day += datetime.timedelta(days=1)
    rows += [{"day": datetime.date.fromisoformat(day), "kind": "makeup", "name": name}
             for day, name in MAKEUP_DAYS_2026]
    CalendarDay.insert_many(rows).execute()

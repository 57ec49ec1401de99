"""Migrations build exactly the models' schema, run twice safely, and keep data."""
from office import db as office_db
from office.models import ALL_MODELS, Department


def _columns(database, table):
    return {c.name for c in database.get_columns(table)}


def test_migrated_schema_matches_the_models(app):
    database = office_db.db.obj
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert database.table_exists(table), table
        assert _columns(database, table) == {f.column_name for f in model._meta.sorted_fields}, table
        indexed = {tuple(i.columns) for i in database.get_indexes(table)}
        for fields, _unique in model._meta.indexes:
            columns = tuple(model._meta.fields[f].column_name for f in fields)
            assert columns in indexed, (table, columns)


def test_migrate_again_changes_nothing_and_keeps_data(app, runner):
    Department.create(name="客服部")
    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0 and "up to date" in result.output
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output
    assert Department.get(Department.name == "客服部")
    listing = runner.invoke(args=["migrate", "--list"]).output
    assert "0001_initial" in listing and "pending" not in listing

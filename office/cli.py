"""Command line: ``flask --app app init-db | migrate | create-user | seed-demo``."""
from __future__ import annotations

import click

from office.approvals.builtin import install
from office.db import connected, migrate, migration_runner
from office.demo import DEMO_PASSWORD, seed
from office.models.people import ROLES, Department, User
from office.orders.cli import orders_command
from office.people.accounts import AccountError, create_user


def register(app) -> None:
    for command in (init_db_command, migrate_command, create_user_command, seed_demo_command, orders_command):
        app.cli.add_command(command)


def _install_approval_forms() -> None:
    created = install()
    if created:
        click.echo(f"approval forms added: {created}")


@click.command("init-db")
@connected
def init_db_command():
    """Create the schema (applying any pending migration). Safe to run again."""
    applied = migrate()
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")
    _install_approval_forms()
    if not User.select().exists():
        click.echo("no users yet: run 'flask --app app seed-demo' or 'flask --app app create-user'")


@click.command("migrate")
@click.option("--list", "show", is_flag=True, help="Show each migration and when it was applied.")
@connected
def migrate_command(show: bool):
    """Apply pending migrations in order; existing data is kept."""
    if show:
        for migration in migration_runner().status():
            click.echo(f"{migration.name}\t{migration.applied or 'pending'}")
        return
    applied = migrate()
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")
    _install_approval_forms()


@click.command("create-user")
@click.argument("username")
@click.option("--password", required=True, help="At least 8 characters, not a common one, not containing the username.")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.option("--department", "department_name", default=None, help="Existing department name.")
@click.option("--name", "display_name", default="", help="Display name (defaults to the username).")
@connected
def create_user_command(username, password, role, department_name, display_name):
    """Create an account from the shell (the first admin, scripts)."""
    department = None
    if department_name:
        department = Department.get_or_none(Department.name == department_name)
        if department is None:
            raise click.ClickException(f"no department named {department_name!r}")
    try:
        user = create_user(username, password, display_name=display_name, role=role, department=department)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"created {user.username} ({user.role})")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@connected
def seed_demo_command(if_empty: bool):
    """Create the demo company: departments, about twenty staff, and print their logins once."""
    if User.select().exists():
        if if_empty:
            return
        raise click.ClickException("the database already has users; demo data goes only into an empty one")
    users = seed()
    click.echo("Demo data created. Sign in at http://127.0.0.1:5000/login with:")
    for user in users:
        if user.role != "staff":
            click.echo(f"  {user.username:<12} {DEMO_PASSWORD}   {user.display_name} · {user.title}")
    click.echo(f"  (all {len(users)} demo accounts use the password {DEMO_PASSWORD})")

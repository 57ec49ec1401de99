"""Views for /orders/import: uploading a platform's export, the import report (with a
progress bar while a large upload is imported by the job), and the recent imports.

Every upload becomes an ImportBatch with its files stored under instance/imports/<id>/
(office/orders/imports.py): small CSV ones (``runs_inline``: ORDER_IMPORT_INLINE_BYTES and
_ROWS) are imported during the request, Excel files and larger ones by
``tasks.orders.import_orders``; either way the browser is sent to the batch's page. A workbook
is never opened here beyond its zip directory (``tables.check_workbook``). A new shop is
created by the import itself, in its transaction. People who may not work orders get 404 on
every URL here, partials included.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from peewee import JOIN, Case
from wtforms import MultipleFileField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from office import htmx
from office.access import me
from office.extensions import csrf
from office.forms import Form
from office.models.orders import BATCH_QUEUED, BATCH_RUNNING, PLATFORM_OTHER, PLATFORMS, ImportBatch, Shop
from office.models.people import User
from office.orders import imports as import_rules
from office.orders import intake, queries
from office.orders.access import orders_or_404
from office.orders.blueprint import bp
from office.orders.formats import reading, tables
from office.orders.labels import platform_label
from office.orders.shops import ShopError, new_shop_platform, shop_name
from office.uploads import clean_name, looks_like_text
from tasks import orders as order_tasks

EXTENSIONS = ("csv", "xlsx")
ACCEPT = ",".join("." + ext for ext in EXTENSIONS)
MAX_FILES = 10
RECENT = 20
NEW_SHOP = 0


class ImportForm(Form):
    shop = SelectField(_l("Shop"), coerce=int, default=NEW_SHOP)
    new_shop = StringField(_l("New shop name"), validators=[Optional(), Length(max=60)])
    new_platform = SelectField(_l("New shop's platform"), default="")
    files = MultipleFileField(_l("Export files"))


def _form() -> ImportForm:
    form = ImportForm()
    form.shop.choices = [SelectChoice(NEW_SHOP, _l("New shop…"))] + [
        SelectChoice(shop_id, label) for shop_id, label in queries.shop_choices()]
    form.new_platform.choices = [SelectChoice("", _l("As the files say"))] + [
        SelectChoice(platform, platform_label(platform)) for platform in PLATFORMS if platform != PLATFORM_OTHER]
    return form


def _default_shop(choices: list[SelectChoice]) -> int:
    """The shop the form starts on: the one this person last imported into (else anyone's
    last import), if it is still offered; the only shop when there is one; else a new shop."""
    offered = {choice.value for choice in choices} - {NEW_SHOP}
    # One query: this person's imports sort before everyone else's, the latest first.
    last = (ImportBatch.select(ImportBatch.shop).where(ImportBatch.shop.in_(offered))
            .order_by(Case(None, [(ImportBatch.user == me().id, 0)], 1), ImportBatch.id.desc())
            .first()) if offered else None
    if last is not None:
        return last.shop_id
    return next(iter(offered)) if len(offered) == 1 else NEW_SHOP


@dataclass
class BatchRow:
    batch: ImportBatch
    filenames: list[str]
    report: intake.Report | None
    error_count: int


def _recent() -> list[BatchRow]:
    # One query: the batch with who uploaded it and into which shop.
    query = (ImportBatch.select(ImportBatch, User, Shop)
             .join(User, JOIN.LEFT_OUTER, on=(ImportBatch.user == User.id)).switch(ImportBatch)
             .join(Shop, JOIN.LEFT_OUTER, on=(ImportBatch.shop == Shop.id))
             .order_by(ImportBatch.id.desc()).limit(RECENT))
    return [BatchRow(batch, import_rules.batch_filenames(batch), import_rules.batch_report(batch),
                     len(import_rules.batch_errors(batch))) for batch in query]


def _checked_files(field) -> list[tuple[str, bytes]]:
    """The uploaded files as (name, bytes), or errors added to ``field``."""
    uploads = [storage for storage in (field.data or []) if storage and storage.filename]
    if not uploads:
        field.errors.append(_("Choose the export file(s) to import."))
        return []
    if len(uploads) > MAX_FILES:
        field.errors.append(_("At most %(n)d files at a time.", n=MAX_FILES))
        return []
    files = []
    for storage in uploads:
        name = clean_name(storage.filename)
        ext = name.rpartition(".")[2].lower() if "." in name else ""
        if ext == "xls":
            field.errors.append(_("%(name)s: old Excel files (.xls) cannot be read; save it as .xlsx or CSV.",
                                  name=name))
            continue
        if ext not in EXTENSIONS:
            field.errors.append(_("%(name)s: only CSV and Excel (.xlsx) exports can be imported.", name=name))
            continue
        data = storage.stream.read()
        if not data:
            field.errors.append(_("%(name)s is empty.", name=name))
            continue
        if (ext == "xlsx" and not data.startswith(b"PK\x03\x04")) or (ext == "csv" and not looks_like_text(data[:4096])):
            field.errors.append(_("%(name)s does not contain what its name says (.%(ext)s).", name=name, ext=ext))
            continue
        if ext == "xlsx":
            try:
                tables.check_workbook(data)  # the zip's directory only: what it would unpack to
            except tables.Unreadable as error:
                field.errors.append(f"{name}: {error}")
                continue
        files.append((name, data))
    return files if not field.errors else []


def _page(form: ImportForm, status: int = 200):
    return htmx.render("orders/import.html", partial="orders/_import_form.html", status=status,
                       form=form, batches=_recent(), accept=ACCEPT,
                       inline_mb=current_app.config["ORDER_IMPORT_INLINE_BYTES"] / (1024 * 1024))


@bp.route("/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger upload limit is set (see the first lines)
@login_required
def imports():
    """GET: the upload form and the recent imports. POST: check the upload, store it as a
    batch, import it now (small) or enqueue the job (large), then 303 (HX-Redirect for
    htmx) to the batch's page; an invalid upload re-renders ``#import-form`` with 422."""
    orders_or_404(current_user)
    if request.method == "POST":
        # An export is larger than MAX_CONTENT_LENGTH allows other posts. The limit must be
        # raised before the body is read, which CSRFProtect's own check would do first.
        request.max_content_length = current_app.config["ORDER_IMPORT_MAX_BYTES"]
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    form = _form()
    if request.method == "GET":
        form.shop.data = _default_shop(form.shop.choices)
    if not form.validate_on_submit():
        return _page(form, 422 if request.method == "POST" else 200)
    files = _checked_files(form.files)
    if not files:
        return _page(form, 422)
    new_shop = ""
    if form.shop.data == NEW_SHOP:
        if not (form.new_shop.data or "").strip():
            form.new_shop.errors.append(_("Name the new shop, or choose one above."))
            return _page(form, 422)
        try:
            name = shop_name(form.new_shop.data)
        except ShopError as error:
            form.new_shop.errors.append(str(error))
            return _page(form, 422)
        platform = form.new_platform.data or ""
        # CSV headers are read now, to say at once what is wrong; a workbook is not opened in
        # a request (openpyxl reads its shared strings whole first): the import finds its
        # platform, and refuses the upload there if it is not an export we know.
        if not any(data.startswith(b"PK\x03\x04") for _name, data in files):
            platform = reading.detect(files)
            if not platform:
                form.files.errors.append(_("These files are not an order export we know (Taobao, Tmall, JD, "
                                           "Pinduoduo, Douyin), so the new shop's platform is unknown."))
                return _page(form, 422)
            try:
                platform = new_shop_platform(platform, form.new_platform.data)
            except ShopError as error:
                form.new_platform.errors.append(str(error))
                return _page(form, 422)
        shop = Shop.get_or_none(Shop.name == name)
        if shop is None:
            new_shop = name  # created by the import, in its transaction: a refusal leaves no empty shop
    else:
        shop = Shop.get_or_none(Shop.id == form.shop.data)
        if shop is None:
            form.shop.errors.append(_("That shop no longer exists."))
            return _page(form, 422)
        platform = shop.platform
    batch = import_rules.queue_batch(files, shop, me(), platform, new_shop=new_shop)
    if import_rules.runs_inline(files):
        import_rules.run_batch(batch.id)
    else:
        order_tasks.import_orders(batch.id)
    return htmx.redirect(url_for("orders.import_batch", batch_id=batch.id))


@bp.route("/import/<int:batch_id>")
@login_required
def import_batch(batch_id: int):
    """GET: one import: its progress while the job runs (the partial ``#import-batch-<id>``
    polls itself every second and stops once the batch is done, refused or failed), then
    the report, or the row errors of a refusal."""
    orders_or_404(current_user)
    batch = (ImportBatch.select(ImportBatch, Shop).join(Shop, JOIN.LEFT_OUTER, on=(ImportBatch.shop == Shop.id))
             .where(ImportBatch.id == batch_id).first())
    if batch is None:
        abort(404)
    running = batch.status in (BATCH_QUEUED, BATCH_RUNNING)
    return htmx.render("orders/import_batch.html", partial="orders/_import_batch.html", batch=batch,
                       running=running, percent=import_rules.batch_progress(batch.id) if running else None,
                       report=import_rules.batch_report(batch), errors=import_rules.batch_errors(batch),
                       filenames=import_rules.batch_filenames(batch))

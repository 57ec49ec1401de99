"""/orders/import: upload an export, read the report (or the refusal's row errors), watch a
large upload's progress; only people who work orders see any of it."""
from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playhouse.test_utils import assert_query_count

from office.models.orders import (
    BATCH_DONE,
    BATCH_QUEUED,
    BATCH_REFUSED,
    BATCH_RUNNING,
    ImportBatch,
    Order,
    OrderLine,
    Shop,
)
from office.models.people import Department
from office.orders import imports, intake
from tests.conftest import hx
from tests.factories import make_department, make_user

DATA = Path(__file__).resolve().parent.parent / "data" / "orders"


def sample(*names: str) -> list[tuple[str, bytes]]:
    return [(name.rsplit("/", 1)[-1], (DATA / name).read_bytes()) for name in names]


def upload(files: list[tuple[str, bytes]], **fields) -> dict:
    data = {"shop": "0", "new_shop": "", **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return data


TAOBAO = ("taobao_orders.csv", "taobao_items.csv")


@pytest.fixture
def worker(app):
    """客服 who works orders but is no administrator."""
    service = make_department("客服部")
    Department.update(handles_orders=True).where(Department.id == service.id).execute()
    user = make_user("kefu", department=service, display_name="王客服")
    # English pages, so the assertions read the messages as written in the code.
    user.locale = "en"
    user.save()
    return user


@pytest.fixture
def signed_in(client, auth, worker):
    auth.login(worker)
    return client


def test_the_page_has_the_form_with_its_token(app, client, auth, worker):
    auth.login(worker)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get("/orders/import")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="csrf_token"' in body
    assert 'enctype="multipart/form-data"' in body and 'type="file"' in body and "multiple" in body
    assert 'accept=".csv,.xlsx"' in body
    assert "Nothing imported yet." in body


def test_a_post_without_the_token_is_refused(app, client, auth, worker):
    """The view checks CSRF itself (after raising the upload limit): prove it does."""
    auth.login(worker)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/orders/import", data=upload(sample(*TAOBAO), new_shop="淘宝店"),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert Shop.select().count() == 0 and ImportBatch.select().count() == 0


def test_a_post_with_the_token_is_accepted(app, client, auth, worker):
    auth.login(worker)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/orders/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/orders/import", data=upload(sample(*TAOBAO), new_shop="淘宝店", csrf_token=token),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    # htmx sends the token as a header (base.html's hx-headers).
    response = hx(client, "post", "/orders/import", data=upload(sample(*TAOBAO), shop=str(Shop.get().id)),
                  content_type="multipart/form-data", headers={"X-CSRFToken": token})
    assert response.status_code == 204 and "HX-Redirect" in response.headers


def test_an_upload_over_max_content_length_but_within_the_import_limit_is_taken(app, signed_in):
    """Exports are larger than other posts may be: the import has its own limit."""
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = signed_in.post("/orders/import", data=upload(sample(*TAOBAO), new_shop="淘宝店"),
                              content_type="multipart/form-data")
    assert response.status_code == 303
    assert ImportBatch.get().status == BATCH_DONE


def test_a_small_upload_is_imported_at_once_and_reported(signed_in, worker):
    response = signed_in.post("/orders/import", data=upload(sample(*TAOBAO), new_shop="淘宝旗舰店"),
                              content_type="multipart/form-data")
    assert response.status_code == 303
    batch = ImportBatch.get()
    assert response.headers["Location"].endswith(f"/orders/import/{batch.id}")
    assert batch.status == BATCH_DONE and batch.user_id == worker.id
    shop = Shop.get()
    assert (shop.name, shop.platform) == ("淘宝旗舰店", "taobao")
    assert Order.select().count() == 6 and OrderLine.select().count() == 7

    page = signed_in.get(response.headers["Location"])
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "淘宝旗舰店" in body and "taobao_orders.csv" in body
    assert "¥2,334.00" in body
    assert "买家已付款，等待卖家发货" in body and "交易关闭" in body
    assert "hx-trigger" not in body.split('id="import-batch-')[1]  # final: no polling

    # The same files again: nothing new, and the report says so.
    again = signed_in.post("/orders/import", data=upload(sample(*TAOBAO), shop=str(shop.id)),
                           content_type="multipart/form-data")
    report = imports.batch_report(ImportBatch.get_by_id(int(again.headers["Location"].rsplit("/", 1)[1])))
    assert (report.created, report.unchanged) == (0, 6)
    assert Order.select().count() == 6


def test_htmx_upload_is_sent_to_the_report(signed_in):
    response = hx(signed_in, "post", "/orders/import", target="import-form",
                  data=upload(sample("jd_orders.xlsx"), new_shop="京东店"), content_type="multipart/form-data")
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith(f"/orders/import/{ImportBatch.get().id}")
    assert Shop.get().platform == "jd"


def test_a_large_upload_runs_as_a_job(app, signed_in):
    app.config["ORDER_IMPORT_INLINE_BYTES"] = 100  # every sample is larger
    shop = Shop.create(name="拼多多店", platform="pdd")
    response = signed_in.post("/orders/import", data=upload(sample("pdd_orders.csv"), shop=str(shop.id)),
                              content_type="multipart/form-data")
    assert response.status_code == 303
    batch = ImportBatch.get()
    # HUEY_IMMEDIATE: the job ran as it was enqueued, from the stored files.
    assert batch.status == BATCH_DONE and imports.batch_report(batch).created == 5
    assert not Path(batch.stored_dir).exists()
    body = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "pdd_orders.csv" in body and "hx-trigger" not in body.split('id="import-batch-')[1]


def test_the_progress_partial_polls_itself_until_final(signed_in, app):
    shop = Shop.create(name="淘宝店", platform="taobao")
    batch = ImportBatch.create(shop=shop, status=BATCH_RUNNING, filenames=json.dumps(["大文件.csv"]))
    imports._BatchProgress(batch.id).set(47)
    url = f"/orders/import/{batch.id}"

    partial = hx(signed_in, "get", url, target=f"import-batch-{batch.id}")
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in body
    assert "HX-Request" in partial.headers["Vary"]
    assert f'hx-get="{url}"' in body and 'hx-trigger="load delay:1s"' in body and 'hx-swap="outerHTML"' in body
    assert 'value="47"' in body and "47%" in body
    # Without JS: the full page, with a link that refreshes it.
    page = signed_in.get(url).get_data(as_text=True)
    assert "<html" in page and "<noscript>" in page and 'value="47"' in page

    queued = ImportBatch.create(shop=shop, status=BATCH_QUEUED, filenames="[]")
    body = hx(signed_in, "get", f"/orders/import/{queued.id}").get_data(as_text=True)
    assert "hx-trigger" in body and "<progress" in body and "value=" not in body.split("<progress")[1].split(">")[0]

    imports._BatchProgress(batch.id).clear()
    report = intake.Report(orders=1, lines=1, created=1)
    (ImportBatch.update(status=BATCH_DONE, report=json.dumps(report.to_dict()))
     .where(ImportBatch.id == batch.id).execute())
    body = hx(signed_in, "get", url, target=f"import-batch-{batch.id}").get_data(as_text=True)
    assert "hx-trigger" not in body and "<progress" not in body


def test_a_refused_upload_shows_the_row_errors_escaped(signed_in):
    shop = Shop.create(name="拼多多店", platform="pdd")
    response = signed_in.post("/orders/import", data=upload(sample("broken/pdd_orders_bad.csv"), shop=str(shop.id)),
                              content_type="multipart/form-data")
    assert response.status_code == 303
    batch = ImportBatch.get()
    assert batch.status == BATCH_REFUSED
    body = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "pdd_orders_bad.csv" in body and "用户实付金额(元)" in body and "14l.70" in body
    assert "Nothing was saved" in body
    assert Order.select().count() == 0

    # Reasons and file names come from the upload: they are escaped.
    ImportBatch.update(errors=json.dumps([{"file": "<script>x</script>.csv", "row": 3, "column": "<b>列</b>",
                                           "reason": "<img src=x onerror=alert(1)>"}])).execute()
    body = signed_in.get(f"/orders/import/{batch.id}").get_data(as_text=True)
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;.csv" in body
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<b>列</b>" not in body


def test_a_failed_job_says_so(signed_in):
    shop = Shop.create(name="淘宝店", platform="taobao")
    reason = {"file": "", "row": 0, "column": "", "reason": "OSError: disk full"}
    batch = ImportBatch.create(shop=shop, status="failed", filenames="[]", errors=json.dumps([reason]))
    body = signed_in.get(f"/orders/import/{batch.id}").get_data(as_text=True)
    assert "OSError: disk full" in body and "hx-trigger" not in body.split('id="import-batch-')[1]


@pytest.mark.parametrize("name, content, message", [
    ("orders.pdf", b"%PDF-1.4", "only CSV and Excel"),
    ("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
    ("orders.xlsx", "订单编号,实付\n".encode("gbk"), "does not contain what its name says"),
    ("orders.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "does not contain what its name says"),
    ("orders.csv", b"", "is empty"),
])
def test_wrong_files_are_refused_with_a_clear_message(signed_in, name, content, message):
    response = signed_in.post("/orders/import", data=upload([(name, content)], new_shop="店"),
                              content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert ImportBatch.select().count() == 0 and Shop.select().count() == 0


def test_form_errors(signed_in):
    nothing = signed_in.post("/orders/import", data={"shop": "0", "new_shop": "店"})
    assert nothing.status_code == 422 and "Choose the export file" in nothing.get_data(as_text=True)
    unnamed = signed_in.post("/orders/import", data=upload(sample(*TAOBAO)), content_type="multipart/form-data")
    assert unnamed.status_code == 422 and "Name the new shop" in unnamed.get_data(as_text=True)
    unknown = signed_in.post("/orders/import", data=upload([("x.csv", "名称,数量\n".encode())], new_shop="店"),
                             content_type="multipart/form-data")
    assert unknown.status_code == 422 and "not an order export we know" in unknown.get_data(as_text=True)
    partial = hx(signed_in, "post", "/orders/import", target="import-form", data={"shop": "0", "new_shop": "店"})
    assert partial.status_code == 422
    body = partial.get_data(as_text=True)
    assert "<html" not in body and 'id="import-form"' in body
    assert ImportBatch.select().count() == 0 and Shop.select().count() == 0


def test_files_of_another_platform_into_an_existing_shop_are_refused(signed_in):
    shop = Shop.create(name="淘宝店", platform="taobao")
    signed_in.post("/orders/import", data=upload(sample("jd_orders.csv"), shop=str(shop.id)),
                   content_type="multipart/form-data")
    batch = ImportBatch.get()
    assert batch.status == BATCH_REFUSED and "淘宝店" in imports.batch_errors(batch)[0].reason
    assert Order.select().count() == 0


def test_an_upload_over_the_limit_is_refused(app, signed_in):
    app.config["ORDER_IMPORT_MAX_BYTES"] = 1000
    response = signed_in.post("/orders/import", data=upload([("big.csv", b"a," * 2000)], new_shop="店"),
                              content_type="multipart/form-data")
    assert response.status_code == 413
    assert ImportBatch.select().count() == 0


def test_the_recent_imports_list_has_a_fixed_query_count(signed_in, worker):
    shop = Shop.create(name="淘宝店", platform="taobao")
    other = make_user("cangku", role="admin", display_name="仓库")
    for index in range(12):
        report = intake.Report(orders=index, lines=index, created=index)
        ImportBatch.create(shop=shop if index % 2 else None, user=worker if index % 3 else other, status=BATCH_DONE,
                           filenames=json.dumps([f"file{index}.csv"]), report=json.dumps(report.to_dict()))
    ImportBatch.create(shop=shop, status=BATCH_REFUSED, filenames="[]",
                       errors=json.dumps([{"file": "a.csv", "row": 2, "column": "x", "reason": "y"}]))
    signed_in.get("/orders/import")  # warm up (session, departments)
    # session user, departments (who works orders), shops for the select, the shop last
    # imported into (the select's default), batches with user and shop, unread badge, live cursor
    with assert_query_count(7):
        response = signed_in.get("/orders/import")
    body = response.get_data(as_text=True)
    assert "file11.csv" in body and "仓库" in body and "王客服" in body
    assert "11 new, 0 updated, 0 unchanged" in body and "1 error" in body


@pytest.mark.parametrize("url", ["/orders/import", "/orders/import/1"])
def test_people_who_do_not_work_orders_get_404(client, auth, staff, url):
    shop = Shop.create(name="淘宝店", platform="taobao")
    ImportBatch.create(shop=shop, status=BATCH_DONE, filenames="[]")
    auth.login(staff)
    assert client.get(url).status_code == 404
    assert hx(client, "get", url).status_code == 404
    assert client.post("/orders/import", data=upload(sample(*TAOBAO), new_shop="店"),
                       content_type="multipart/form-data").status_code == 404
    assert Shop.select().count() == 1 and ImportBatch.select().count() == 1


def test_admins_may_import(client, auth, admin):
    auth.login(admin)
    assert client.get("/orders/import").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/orders/import").status_code == 302
    assert hx(client, "get", "/orders/import").status_code == 401


def test_an_unknown_batch_is_404(signed_in):
    assert signed_in.get("/orders/import/999").status_code == 404


def test_a_new_shop_may_say_its_platform_when_the_files_cannot(signed_in, worker):
    """A Tmall shop's order list often has no shop-type column and reads as Taobao's: its owner
    says 天猫. A platform whose format the files are not is refused, with nothing saved."""
    wrong = signed_in.post("/orders/import", data=upload(sample("jd_orders.csv"), new_shop="京东店",
                                                         new_platform="tmall"), content_type="multipart/form-data")
    assert wrong.status_code == 422
    assert re.search(r'id="new_platform-error">These files are a JD export, not Tmall\.<',
                     wrong.get_data(as_text=True))
    assert Shop.select().count() == 0 and ImportBatch.select().count() == 0
    right = signed_in.post("/orders/import", data=upload(sample(*TAOBAO), new_shop="暖冬天猫店",
                                                         new_platform="tmall"), content_type="multipart/form-data")
    assert right.status_code == 303
    shop = Shop.get()
    assert (shop.name, shop.platform) == ("暖冬天猫店", "tmall")
    assert Order.select().where(Order.platform == "tmall").count() == 6


# -- the real formats of issue 13 ------------------------------------------------------------

def upload_and_report(client, files, **fields) -> tuple[ImportBatch, str]:
    response = client.post("/orders/import", data=upload(files, **fields), content_type="multipart/form-data")
    assert response.status_code == 303
    batch = ImportBatch.get_by_id(int(response.headers["Location"].rsplit("/", 1)[1]))
    return batch, client.get(response.headers["Location"]).get_data(as_text=True)


def test_pinduoduos_standard_export_is_imported_with_its_paid_total(signed_in):
    """The 27 default columns, no 支付时间: the paid time is 订单成交时间 (was: all unpaid, ¥0.00)."""
    batch, body = upload_and_report(signed_in, sample("pdd_orders_standard.csv"), new_shop="拼多多店")
    assert batch.status == BATCH_DONE
    assert Shop.get().platform == "pdd"
    assert "¥2,082.30" in body and "待付款" in body and "未发货，退款成功" in body
    assert Order.select().where(Order.paid_at.is_null(False)).count() == 5
    assert Order.get(Order.order_no == "261112-100000000000001").paid_amount == Decimal("110.80")  # 用户实付

    again, body = upload_and_report(signed_in, sample("pdd_orders_standard.csv"), shop=str(Shop.get().id))
    report = imports.batch_report(again)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert "¥2,082.30" in body and Order.select().count() == 7


def test_a_douyin_export_by_goods_is_imported_with_the_sums_of_its_rows(signed_in):
    batch, body = upload_and_report(signed_in, sample("douyin_sub_orders.csv"), new_shop="抖音店")
    assert batch.status == BATCH_DONE and Shop.get().platform == "douyin"
    assert "¥1,585.00" in body
    three = Order.get(Order.order_no == "6938125099990000001")
    assert (three.shipping_fee, three.discount, three.paid_amount) == (Decimal("5.00"), Decimal("65.00"),
                                                                       Decimal("816.00"))
    assert [line.amount for line in three.lines.order_by(OrderLine.position)] == [
        Decimal("76.00"), Decimal("554.00"), Decimal("186.00")]
    assert OrderLine.select().count() == 9

    again, _body = upload_and_report(signed_in, sample("douyin_sub_orders.csv"), shop=str(Shop.get().id))
    report = imports.batch_report(again)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)


def test_qiannius_one_workbook_export_is_imported_and_meets_the_two_file_download(signed_in):
    """Issue 20: a Tmall shop with only 千牛's workbook (no 宝贝报表) can import; the same orders
    in the older two-file download later update them, never duplicate them."""
    batch, body = upload_and_report(signed_in, sample("qianniu_orders.xlsx"), new_shop="暖冬天猫店",
                                    new_platform="tmall")
    assert batch.status == BATCH_DONE and Shop.get().platform == "tmall"
    report = imports.batch_report(batch)
    assert (report.orders, report.lines, report.created) == (8, 10, 8)
    assert "¥1,960.00" in body and "卖家已发货，等待买家确认收货" in body and "交易关闭" in body

    shop = str(Shop.get().id)
    again, _body = upload_and_report(signed_in, sample("qianniu_orders.csv"), shop=shop)
    report = imports.batch_report(again)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 8)

    both, _body = upload_and_report(signed_in, sample(*TAOBAO), shop=shop)
    report = imports.batch_report(both)
    assert (report.created, report.updated, report.unchanged) == (3, 3, 0)
    assert (Order.select().count(), OrderLine.select().count()) == (11, 13)


def test_the_import_page_names_qianniu_s_workbook(signed_in):
    body = signed_in.get("/orders/import").get_data(as_text=True)
    assert "Qianniu's order export (one workbook, 千牛) or both the order list" in body


def test_a_douyin_order_level_export_is_refused_with_what_to_export_instead(signed_in):
    shop = Shop.create(name="抖音店", platform="douyin")
    batch, body = upload_and_report(signed_in, sample("broken/douyin_orders_order_level.csv"), shop=str(shop.id))
    assert batch.status == BATCH_REFUSED
    assert "douyin_orders_order_level.csv" in body and "order-level export" in body and "商品维度" in body
    assert Order.select().count() == 0


# -- issue 13: imports that cannot stall or leak ---------------------------------------------

@pytest.fixture
def enqueued(monkeypatch):
    """The batch ids handed to the job consumer (not run: the batch stays queued)."""
    from tasks import orders as order_tasks

    ids: list[int] = []
    monkeypatch.setattr(order_tasks, "import_orders", ids.append)
    return ids


def test_an_excel_upload_is_never_parsed_in_the_request(signed_in, enqueued, monkeypatch):
    """However small: openpyxl reads ~1,000 rows a second, and a small .xlsx can unpack to
    hundreds of MB. Not even its header is read here: the job finds the new shop's platform."""
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("a workbook opened in the request"))
    response = signed_in.post("/orders/import", data=upload(sample("jd_orders.xlsx"), new_shop="京东店"),
                              content_type="multipart/form-data")
    assert response.status_code == 303
    batch = ImportBatch.get()
    assert enqueued == [batch.id] and batch.status == BATCH_QUEUED
    assert (batch.shop_id, batch.new_shop, batch.platform) == (None, "京东店", "")
    assert Shop.select().count() == 0
    body = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "京东店" in body and "hx-trigger" in body

    monkeypatch.undo()
    imports.run_batch(batch.id)  # what the consumer does
    batch = ImportBatch.get()
    assert batch.status == BATCH_DONE and Shop.get().platform == "jd" and batch.shop_id == Shop.get().id


def test_a_csv_over_the_inline_rows_goes_to_the_job(app, signed_in, enqueued):
    app.config["ORDER_IMPORT_INLINE_ROWS"] = 5
    shop = Shop.create(name="拼多多店", platform="pdd")
    signed_in.post("/orders/import", data=upload(sample("pdd_orders.csv"), shop=str(shop.id)),
                   content_type="multipart/form-data")
    assert enqueued == [ImportBatch.get().id]
    app.config["ORDER_IMPORT_INLINE_ROWS"] = 10_000
    signed_in.post("/orders/import", data=upload(sample("pdd_orders.csv"), shop=str(shop.id)),
                   content_type="multipart/form-data")
    assert len(enqueued) == 1 and ImportBatch.select().where(ImportBatch.status == BATCH_DONE).count() == 1


def zip_bomb() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        with zipfile.ZipFile(DATA / "jd_orders.xlsx") as source:
            for info in source.infolist():
                target.writestr(info, source.read(info.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    return out.getvalue()


def test_an_excel_file_that_unpacks_too_far_is_refused_at_upload(app, signed_in):
    response = signed_in.post("/orders/import", data=upload([("订单.xlsx", zip_bomb())], new_shop="店"),
                              content_type="multipart/form-data")
    assert response.status_code == 422
    assert re.search(r"订单\.xlsx: This Excel file unpacks to [\d,]+ times its size", response.get_data(as_text=True))
    app.config["ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES"] = 1000
    response = signed_in.post("/orders/import", data=upload(sample("jd_orders.xlsx"), new_shop="店"),
                              content_type="multipart/form-data")
    assert response.status_code == 422 and "more than the 0 MB one import may read" in response.get_data(as_text=True)
    assert ImportBatch.select().count() == 0 and Shop.select().count() == 0
    assert not (Path(app.instance_path) / "imports").exists() or not any((Path(app.instance_path) / "imports").iterdir())


def test_a_refused_upload_into_a_new_shop_leaves_no_shop(app, signed_in):
    response = signed_in.post("/orders/import", data=upload(sample("broken/pdd_orders_bad.csv"), new_shop="拼多多新店"),
                              content_type="multipart/form-data")
    assert response.status_code == 303
    batch = ImportBatch.get()
    assert batch.status == BATCH_REFUSED and Shop.select().count() == 0
    assert not Path(batch.stored_dir).exists()
    body = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "拼多多新店" in body and "Nothing was saved" in body
    assert "拼多多新店" in signed_in.get("/orders/import").get_data(as_text=True)  # the recent imports

    # An Excel upload's platform is known only to the job: refused there, still no shop.
    wrong = signed_in.post("/orders/import", data=upload(sample("jd_orders.xlsx"), new_shop="天猫新店",
                                                         new_platform="tmall"), content_type="multipart/form-data")
    assert wrong.status_code == 303
    body = signed_in.get(wrong.headers["Location"]).get_data(as_text=True)
    assert "These files are a JD export, not Tmall." in body
    assert Shop.select().count() == 0


@pytest.mark.parametrize("locale, reason", [
    ("en", "The import was cut off twice before it could finish"),
    ("zh_CN", "导入两次在完成前被中断"),
])
def test_a_failed_batch_says_why_in_the_readers_language(client, auth, worker, locale, reason):
    worker.locale = locale
    worker.save()
    auth.login(worker)
    shop = Shop.create(name="淘宝店", platform="taobao")
    batch = ImportBatch.create(shop=shop, status="failed", failure="interrupted", filenames="[]")
    body = client.get(f"/orders/import/{batch.id}").get_data(as_text=True)
    assert reason in body and "hx-trigger" not in body.split('id="import-batch-')[1]


def _selected_shop(page: str) -> str:
    select = page.split('name="shop"', 1)[1].split("</select>", 1)[0]
    match = re.search(r'<option[^>]*selected[^>]*value="(\d+)"|<option[^>]*value="(\d+)"[^>]*selected', select)
    return next(group for group in match.groups() if group) if match else ""


def test_the_form_starts_on_the_shop_last_imported_into(signed_in, worker, admin):
    # issue 14: the form said 新建店铺… every time.
    assert _selected_shop(signed_in.get("/orders/import").get_data(as_text=True)) == "0"
    only = Shop.create(name="淘宝店", platform="taobao")
    assert _selected_shop(signed_in.get("/orders/import").get_data(as_text=True)) == str(only.id)
    other = Shop.create(name="拼多多店", platform="pdd")
    third = Shop.create(name="京东店", platform="jd")
    assert _selected_shop(signed_in.get("/orders/import").get_data(as_text=True)) == "0"  # several, none used
    ImportBatch.create(user=admin, shop=third, platform="jd")
    assert _selected_shop(signed_in.get("/orders/import").get_data(as_text=True)) == str(third.id)
    ImportBatch.create(user=worker, shop=other, platform="pdd")
    ImportBatch.create(user=admin, shop=only, platform="taobao")  # someone else's later import
    assert _selected_shop(signed_in.get("/orders/import").get_data(as_text=True)) == str(other.id)

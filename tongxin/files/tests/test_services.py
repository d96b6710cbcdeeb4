from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.files import services
from tongxin.files.generators import XLSX, generator_for, generators
from tongxin.files.models import GeneratedFile, GeneratedFileEvent
from tongxin.files.services import file_download, file_generate, file_generation_start, files_sweep


def start(user, title="交办统计", rows=3, kind="tests.committee_sheet"):
    return file_generation_start(actor=user, kind=kind, params={"title": title, "rows": rows})


def test_registry_loads_settings_and_refuses_unknown_kinds(world):
    assert [g.kind for g in generators()] == ["tests.committee_sheet", "tests.broken", "tests.note"]
    assert str(generator_for("tests.note").label) == "测试通知"
    with pytest.raises(NotFound):
        generator_for("tests.nothing")


def test_a_requested_file_is_pending_until_the_task_runs(world):
    file = start(world.zhang_min)
    assert file.status == "pending"
    assert file.progress == 0
    assert file.params == {"title": "交办统计", "rows": 3}
    assert file.committee_id == world.committee.pk
    assert file.label == "测试统计表"
    assert not file.file
    assert list(file.events.values_list("name", "to_state")) == [("request", "pending")]
    requested = SecurityEvent.objects.get(kind="export", target=f"files.GeneratedFile:{file.pk}")
    assert requested.user_id == world.zhang_min.pk
    assert requested.details["event"] == "file.requested"
    assert requested.details["kind"] == "tests.committee_sheet"


def test_the_task_makes_the_file_after_commit_and_stores_it_under_its_hash(world, run_tasks):
    with run_tasks():
        file = start(world.zhang_min, rows=4)
    file.refresh_from_db()
    assert file.status == "done"
    assert file.progress == 100
    assert file.started_at is not None
    assert file.finished_at >= file.started_at
    with default_storage.open(file.file.name, "rb") as handle:
        content = handle.read()
    assert file.sha256 == hashlib.sha256(content).hexdigest()
    assert file.size == len(content)
    assert file.file.name == f"generated/{timezone.localdate():%Y}/{file.sha256}.xlsx"
    assert file.filename == "交办统计-兰州市城关区.xlsx"
    assert file.content_type == XLSX
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "兰州市城关区"
    assert sheet.max_row == 5
    assert list(file.events.values_list("name", flat=True)) == ["request", "start", "finish"]
    generated = SecurityEvent.objects.get(details__event="file.generated")
    assert generated.user_id == world.zhang_min.pk
    assert generated.details["sha256"] == file.sha256


def test_asking_again_while_pending_returns_the_same_file(world):
    first = start(world.zhang_min)
    again = start(world.zhang_min, title=" 交办统计 ")  # the same once cleaned
    assert again.pk == first.pk
    other = start(world.zhang_min, title="另一份")
    assert other.pk != first.pk
    colleague = start(world.chen_jing)
    assert colleague.pk != first.pk
    assert GeneratedFile.objects.count() == 3


def test_asking_again_after_it_finished_makes_a_new_file(world, run_tasks):
    with run_tasks():
        first = start(world.zhang_min)
    with run_tasks():
        second = start(world.zhang_min)
    assert second.pk != first.pk
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "done"
    # Content is stored under its hash: the same bytes (openpyxl stamps the time, so compare the
    # stored names only when the hashes agree) share one stored file.
    assert (first.file.name == second.file.name) == (first.sha256 == second.sha256)


def test_identical_content_is_stored_once(world):
    digest = hashlib.sha256(b"same bytes").hexdigest()
    name = services._store(b"same bytes", digest, "a.xlsx")
    assert services._store(b"same bytes", digest, "b.xlsx") == name
    assert default_storage.listdir(name.rsplit("/", 1)[0])[1] == [f"{digest}.xlsx"]


def test_the_task_is_idempotent(world, run_tasks):
    with run_tasks():
        file = start(world.zhang_min)
    file.refresh_from_db()
    again = file_generate(file_id=file.pk)
    assert again.status == "done"
    assert GeneratedFileEvent.objects.filter(file=file, name="start").count() == 1
    with pytest.raises(NotFound):
        file_generate(file_id=file.pk + 1000)


def test_a_generator_that_raises_fails_the_file_with_a_chinese_message_and_no_content(world, run_tasks):
    with run_tasks():
        file = start(world.zhang_min, kind="tests.broken")
    file.refresh_from_db()
    assert file.status == "failed"
    assert "生成文件时出错" in file.message
    assert not file.file
    assert file.sha256 == ""
    assert file.size == 0
    assert list(file.events.values_list("name", flat=True)) == ["request", "start", "fail"]
    failed = SecurityEvent.objects.get(details__event="file.failed")
    assert failed.outcome == "failure"
    assert not default_storage.exists("generated")
    with pytest.raises(Conflict):
        file_download(actor=world.zhang_min, file=file)


def test_the_check_refuses_before_anything_is_written(world):
    with pytest.raises(Forbidden):
        start(world.wang_wei)
    with pytest.raises(Invalid) as bad:
        start(world.zhang_min, title="")
    assert "title" in bad.value.fields
    with pytest.raises(Invalid):
        start(world.zhang_min, rows="many")
    with pytest.raises(Invalid):
        file_generation_start(actor=world.zhang_min, kind="tests.committee_sheet", params=["x"])
    with pytest.raises(NotFound):
        file_generation_start(actor=world.zhang_min, kind="tests.nothing", params={})
    assert GeneratedFile.objects.count() == 0
    assert not SecurityEvent.objects.filter(kind="export").exists()


def test_one_person_may_have_only_so_many_files_in_the_queue(world, settings):
    settings.FILE_MAX_ACTIVE_PER_USER = 2
    start(world.zhang_min, title="一")
    start(world.zhang_min, title="二")
    with pytest.raises(Conflict):
        start(world.zhang_min, title="三")
    # Joining an existing request is still fine.
    assert start(world.zhang_min, title="一").status == "pending"


def test_progress_is_written_while_running(world):
    seen = []

    file = start(world.zhang_min, rows=2)
    original = services.ProgressWriter.__call__

    def spy(self, percent, message=""):
        original(self, percent, message)
        seen.append(GeneratedFile.objects.values_list("status", "progress", "message").get(pk=self.file_id))

    services.ProgressWriter.__call__ = spy
    try:
        file_generate(file_id=file.pk)
    finally:
        services.ProgressWriter.__call__ = original
    # The first tick is written at once (later ones are throttled); 100 is kept for the stored file.
    assert seen[0] == ("running", 50, "第 1 行")
    assert all(progress < 100 for _, progress, _ in seen)
    file.refresh_from_db()
    assert (file.status, file.progress) == ("done", 100)


def test_download_is_audited_with_the_hash_and_counted(world, run_tasks):
    with run_tasks():
        file = start(world.zhang_min)
    file.refresh_from_db()
    handle, filename, content_type = file_download(actor=world.zhang_min, file=file)
    with handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == file.sha256
    assert (filename, content_type) == (file.filename, XLSX)
    download = SecurityEvent.objects.get(kind="download")
    assert download.user_id == world.zhang_min.pk
    assert download.details["sha256"] == file.sha256
    assert download.target == f"files.GeneratedFile:{file.pk}"
    file.refresh_from_db()
    assert file.downloads == 1


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("zhang_min", True),  # asked for it
        ("chen_jing", True),  # office colleague: the generator's check lets her ask for the same
        ("sun_li", True),  # leader
        ("wang_wei", False),  # a member: the check refuses
        ("zhou_qiang", False),
        ("sysadmin", False),
        ("auditadmin", False),
        ("outsider", False),  # another committee
    ],
)
def test_who_may_download(world, run_tasks, persona, allowed):
    with run_tasks():
        file = start(world.zhang_min)
    file.refresh_from_db()
    user = getattr(world, persona)
    if allowed:
        handle, _, _ = file_download(actor=user, file=file)
        handle.close()
        assert SecurityEvent.objects.get(kind="download").user_id == user.pk
    else:
        with pytest.raises(NotFound):
            file_download(actor=user, file=file)
        assert not SecurityEvent.objects.filter(kind="download").exists()


def test_office_staff_of_another_committee_cannot_download(world, run_tasks):
    from conftest import _staff

    stranger = _staff(world.sibling, "qlh_office", "七里河工作人员", "office", ["proposal_office"])
    with run_tasks():
        file = start(world.zhang_min)
    file.refresh_from_db()
    with pytest.raises(NotFound):
        file_download(actor=stranger, file=file)


def test_a_tampered_file_is_not_served(world, run_tasks):
    with run_tasks():
        file = start(world.zhang_min)
    file.refresh_from_db()
    path = default_storage.path(file.file.name)
    with open(path, "r+b") as handle:
        handle.seek(10)
        handle.write(b"X")
    with pytest.raises(Conflict) as refused:
        file_download(actor=world.zhang_min, file=file)
    assert refused.value.code == "file_integrity"


def test_sweep_expires_old_files_and_fails_abandoned_ones(world, run_tasks):
    with run_tasks():
        old = start(world.zhang_min, title="旧")
    old.refresh_from_db()
    stuck = start(world.zhang_min, title="卡住")
    fresh = start(world.zhang_min, title="新")
    now = timezone.now()
    GeneratedFile.objects.filter(pk=old.pk).update(finished_at=now - dt.timedelta(days=31))
    GeneratedFile.objects.filter(pk=stuck.pk).update(created_at=now - dt.timedelta(days=2))
    assert files_sweep(now=now) == {"expired": 1, "abandoned": 1}
    old.refresh_from_db()
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "expired"
    assert not old.file
    assert not default_storage.exists(f"generated/{timezone.localdate():%Y}/{old.sha256}.xlsx")
    assert stuck.status == "failed"
    assert "中断" in stuck.message
    assert fresh.status == "pending"
    with pytest.raises(Conflict) as gone:
        file_download(actor=world.zhang_min, file=old)
    assert gone.value.code == "file_expired"
    assert files_sweep(now=now) == {"expired": 0, "abandoned": 0}


def test_transitions_are_only_for_the_system(world):
    file = start(world.zhang_min)
    with pytest.raises(Forbidden):
        services.generated_file_transition(file=file, name="start", actor=world.zhang_min)
    with pytest.raises(Conflict):
        services.generated_file_transition(file=file, name="finish")
    with pytest.raises(NotFound):
        services.generated_file_transition(file=file, name="explode")


def test_safe_filename():
    assert services.safe_filename("../../etc/passwd", fallback="x") == "etc_passwd"
    assert services.safe_filename("交办\r\n通知.docx", fallback="x") == "交办_通知.docx"
    assert services.safe_filename("", fallback="通知") == "通知"
    long = services.safe_filename("长" * 300 + ".xlsx", fallback="x")
    assert len(long) == 200
    assert long.endswith(".xlsx")


def test_sweep_command(world, run_tasks):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("files_sweep", stdout=out)
    assert out.getvalue().strip() == "expired 0, abandoned 0"


def test_system_check_names_bad_generator_entries(settings):
    from tongxin.files.checks import check_file_generators

    assert check_file_generators() == []
    settings.FILE_GENERATORS = [
        "tongxin.files.tests.generators.NOTE",
        "tongxin.files.tests.generators.NOTE",
        "tongxin.files.tests.generators.nothing",
        "tongxin.files.tests.generators.check_staff",
    ]
    assert [e.id for e in check_file_generators()] == ["files.E003", "files.E001", "files.E002"]


def test_asking_again_for_a_file_whose_worker_died_makes_a_new_one(world):
    stuck = start(world.zhang_min)
    GeneratedFile.objects.filter(pk=stuck.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(hours=3)
    )
    fresh = start(world.zhang_min)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert "中断" in stuck.message
    # A file running for a short while is joined as before.
    assert start(world.zhang_min).pk == fresh.pk

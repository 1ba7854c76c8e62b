"""Programs and shared libraries -> the Debian packages that provide them, each with its reason.

The kernel's own system answers first (system_probe_script.py: `which`, `ldd`, `dpkg -S` where the
kernel runs on Debian or Ubuntu); the curated tables below serve everywhere else, and for the Python
packages known to need a system package whatever the kernel's machine has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from packaging.utils import canonicalize_name

from ..spec import Package, Problem
from .code_analysis import CodeFindings
from .toolchains import CONSOLE_SCRIPTS, toolchain_needs

APT_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")  # fullmatch: a whole name, no trailing newline

# Programs -> the Debian (bookworm) package that puts them on PATH.
PROGRAM_PACKAGES: dict[str, str] = {
    "dot": "graphviz", "neato": "graphviz", "fdp": "graphviz", "sfdp": "graphviz", "circo": "graphviz",
    "twopi": "graphviz", "tesseract": "tesseract-ocr", "pdftoppm": "poppler-utils",
    "pdftocairo": "poppler-utils", "pdfinfo": "poppler-utils", "pdftotext": "poppler-utils",
    "pdfimages": "poppler-utils", "ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "convert": "imagemagick",
    "magick": "imagemagick", "identify": "imagemagick", "mogrify": "imagemagick", "gs": "ghostscript",
    "ps2pdf": "ghostscript", "pandoc": "pandoc", "pdflatex": "texlive-latex-base", "latex": "texlive-latex-base",
    "xelatex": "texlive-xetex", "lualatex": "texlive-luatex", "R": "r-base-core", "Rscript": "r-base-core",
    "java": "default-jre-headless", "git": "git", "curl": "curl", "wget": "wget", "unzip": "unzip",
    "zip": "zip", "7z": "p7zip-full", "xz": "xz-utils", "bzip2": "bzip2", "rsync": "rsync",
    "ssh": "openssh-client", "scp": "openssh-client", "sqlite3": "sqlite3", "psql": "postgresql-client",
    "pg_dump": "postgresql-client", "mysql": "default-mysql-client", "make": "make", "gcc": "gcc",
    "g++": "g++", "cc": "gcc", "node": "nodejs", "npm": "npm", "jq": "jq", "xvfb-run": "xvfb",
    "wkhtmltopdf": "wkhtmltopdf", "wkhtmltoimage": "wkhtmltopdf", "inkscape": "inkscape",
    "gnuplot": "gnuplot-nox", "sox": "sox", "lame": "lame", "espeak-ng": "espeak-ng", "gdalinfo": "gdal-bin",
    "ogr2ogr": "gdal-bin", "gdal_translate": "gdal-bin", "exiftool": "libimage-exiftool-perl",
    "qpdf": "qpdf", "mpirun": "openmpi-bin", "ps": "procps", "free": "procps", "top": "procps",
    "lscpu": "util-linux", "file": "file", "less": "less", "vim": "vim", "nano": "nano",
    "chromium": "chromium", "chromedriver": "chromium-driver", "firefox": "firefox-esr", "soffice": "libreoffice-core",
    "libreoffice": "libreoffice-core", "lilypond": "lilypond", "blender": "blender", "octave": "octave",
    "julia": "julia", "cmake": "cmake", "swig": "swig", "nvcc": "nvidia-cuda-toolkit",
}
# Python distributions (PEP 503 names) known to need a system package at run time, whatever imports show.
PYTHON_PACKAGE_NEEDS: dict[str, list[str]] = {
    "graphviz": ["graphviz"],  # renders by running `dot`
    "pydot": ["graphviz"],
    "pygraphviz": ["graphviz", "libgraphviz-dev"],  # no wheels: built against libgraphviz
    "pytesseract": ["tesseract-ocr"],
    "pdf2image": ["poppler-utils"],
    "moviepy": ["ffmpeg"],
    "imageio-ffmpeg": ["ffmpeg"],
    "pydub": ["ffmpeg"],
    "ffmpeg-python": ["ffmpeg"],
    "opencv-python": ["libgl1", "libglib2.0-0"],
    "opencv-contrib-python": ["libgl1", "libglib2.0-0"],
    "psycopg2": ["libpq5"],  # the non-binary distribution links to the system's libpq
    "pyodbc": ["unixodbc"],
    "weasyprint": ["libpango-1.0-0", "libpangoft2-1.0-0"],
    "wand": ["libmagickwand-6.q16-6"],
    "python-magic": ["libmagic1"],
    "rpy2": ["r-base"],
    "mysqlclient": ["libmariadb3"],
    "cairosvg": ["libcairo2"],
    "pyaudio": ["libportaudio2"],
    "sounddevice": ["libportaudio2"],
    "pyzbar": ["libzbar0"],
    "pyvips": ["libvips42"],
    "camelot-py": ["ghostscript"],
    "pdfkit": ["wkhtmltopdf"],
    "imgkit": ["wkhtmltopdf"],
    "pyspark": ["default-jre-headless"],
    "tabula-py": ["default-jre-headless"],
    "h2o": ["default-jre-headless"],
    "lightgbm": ["libgomp1"],  # its wheels link to the system's OpenMP runtime
}
# The programs those packages run, for the image's start check.
PACKAGE_PROGRAMS: dict[str, list[str]] = {
    "graphviz": ["dot"], "pydot": ["dot"], "pytesseract": ["tesseract"], "pdf2image": ["pdftoppm"],
    "moviepy": ["ffmpeg"], "pydub": ["ffmpeg"], "ffmpeg-python": ["ffmpeg"], "pdfkit": ["wkhtmltopdf"],
    "imgkit": ["wkhtmltoimage"], "camelot-py": ["gs"], "rpy2": ["R"], "pyspark": ["java"],
    "tabula-py": ["java"], "h2o": ["java"],
}
# Shared libraries (sonames) -> package, for kernels whose system cannot say (no dpkg, or not found there).
LIBRARY_PACKAGES: dict[str, str] = {
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libgthread-2.0.so.0": "libglib2.0-0",
    "libglib-2.0.so.0": "libglib2.0-0", "libgobject-2.0.so.0": "libglib2.0-0", "libX11.so.6": "libx11-6",
    "libXext.so.6": "libxext6", "libXrender.so.1": "libxrender1", "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6", "libgomp.so.1": "libgomp1", "libpq.so.5": "libpq5", "libodbc.so.2": "libodbc2",
    "libmagic.so.1": "libmagic1", "libsndfile.so.1": "libsndfile1", "libportaudio.so.2": "libportaudio2",
    "libzbar.so.0": "libzbar0", "libcairo.so.2": "libcairo2", "libgraphviz.so.6": "libgvc6",
    "libcgraph.so.6": "libcgraph6", "libgvc.so.6": "libgvc6", "libmariadb.so.3": "libmariadb3",
    "libgfortran.so.5": "libgfortran5", "libquadmath.so.0": "libquadmath0", "libopenblas.so.0": "libopenblas0",
    "libblas.so.3": "libblas3", "liblapack.so.3": "liblapack3", "libgdal.so.32": "libgdal32",
    "libgeos_c.so.1": "libgeos-c1v5", "libproj.so.25": "libproj25", "libspatialindex_c.so.6": "libspatialindex6",
    "libtesseract.so.5": "libtesseract5", "libvips.so.42": "libvips42", "libxml2.so.2": "libxml2",
    "libxslt.so.1": "libxslt1.1", "libjpeg.so.62": "libjpeg62-turbo", "libpng16.so.16": "libpng16-16",
    "libfreetype.so.6": "libfreetype6", "libfontconfig.so.1": "libfontconfig1", "libhdf5.so.103": "libhdf5-103-1",
}
# What every Debian-based base image already has (bookworm's required set and python:*-slim's
# libraries): a program or library from one of these needs nothing installed.
BASE_SYSTEM_PACKAGES = frozenset("""
    adduser apt base-files base-passwd bash bsdutils ca-certificates coreutils dash debconf debianutils
    diffutils dpkg e2fsprogs findutils gcc-12-base gpgv grep gzip hostname init-system-helpers libacl1
    libapt-pkg6.0 libattr1 libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcom-err2
    libcrypt1 libdb5.3 libdebconfclient0 libexpat1 libext2fs2 libffi8 libgcc-s1 libgcrypt20 libgmp10
    libgnutls30 libgpg-error0 libgssapi-krb5-2 libhogweed6 libidn2-0 libk5crypto3 libkeyutils1 libkrb5-3
    libkrb5support0 liblz4-1 liblzma5 libmd0 libmount1 libncursesw6 libnettle8 libnsl2 libp11-kit0 libpam0g
    libpcre2-8-0 libreadline8 libseccomp2 libselinux1 libsemanage2 libsepol2 libsmartcols1 libsqlite3-0
    libss2 libssl3 libstdc++6 libsystemd0 libtasn1-6 libtinfo6 libtirpc3 libudev1 libunistring2 libuuid1
    libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin netbase openssl passwd perl-base
    readline-common sed sysvinit-utils tar tzdata util-linux util-linux-extra zlib1g libpython3.11
    libpython3.11-minimal libpython3.11-stdlib python3 python3.11 python3-minimal python3.11-minimal
""".split())
# Programs of those packages, for kernels without dpkg to ask.
BASE_PROGRAMS = frozenset("""
    sh bash dash ls cat cp mv rm mkdir rmdir ln touch chmod chown head tail wc sort uniq cut tr paste
    join split date sleep pwd env printf tee basename dirname du df readlink realpath uname whoami id
    kill seq yes md5sum sha1sum sha256sum cmp diff find xargs grep egrep fgrep sed awk mawk tar gzip
    gunzip zcat stat mktemp nproc hostname test expr nice nohup timeout stdbuf which mount more
    python python3 true false echo
""".split())

DRIVER_PROGRAMS = ("nvidia-smi", "nvidia-debugdump", "nvidia-persistenced")  # mounted with the driver
DRIVER_LIBRARIES = ("libcuda.", "libnvidia", "libnvcuvid", "libnvoptix", "libOpenCL.")


@dataclass
class SystemNeeds:
    apt: dict[str, str] = field(default_factory=dict)  # Debian package -> why it is needed
    programs: dict[str, str] = field(default_factory=dict)  # program -> its package ('' when unknown)
    problems: list[Problem] = field(default_factory=list)

    def need(self, package: str, reason: str) -> None:
        if not APT_NAME.fullmatch(package) or package in BASE_SYSTEM_PACKAGES:
            return
        known = self.apt.get(package)
        self.apt[package] = reason if not known else (known if reason in known else f"{known}; {reason}")


def system_needs(
    packages: list[Package],
    programs: dict[str, str],
    system: Optional[dict[str, Any]] = None,
    module_map: Optional[dict[str, list[str]]] = None,
    code: Optional[CodeFindings] = None,
) -> SystemNeeds:
    """`programs`: program name -> how it was started ('' when only the code names it);
    `system`: the kernel's facts (None: tables only); `module_map`: the probe's import name -> distributions;
    `code`: what static analysis found (magics and imports that compile at run time)."""
    needs = SystemNeeds()
    for package, reason in toolchain_needs(code, programs).items():
        needs.need(package, reason)
    facts = system or {}
    locked: dict[str, str] = {str(canonicalize_name(p.name)): p.name for p in packages}
    for name, started in sorted(programs.items()):
        if CONSOLE_SCRIPTS.get(name) in locked:
            continue  # a console script of a locked package (`!f2py` is numpy's): the lock brings it
        _program(needs, name, (facts.get("programs") or {}).get(started or name) or {})
    for canonical, apt_names in sorted(PYTHON_PACKAGE_NEEDS.items()):
        if canonical in locked:
            for apt_name in apt_names:
                needs.need(apt_name, f"the Python package {locked[canonical]} needs it")
            for program in PACKAGE_PROGRAMS.get(canonical, []):
                needs.programs.setdefault(program, PROGRAM_PACKAGES.get(program, ""))
    for soname, lib in sorted((facts.get("libraries") or {}).items()):
        _library(needs, soname, lib if isinstance(lib, dict) else {}, locked, module_map or {})
    return needs


def _program(needs: SystemNeeds, name: str, fact: dict[str, Any]) -> None:
    if fact.get("in_environment") or name.startswith(DRIVER_PROGRAMS):
        return  # a console script of the environment (the lock brings it); the GPU driver's own tools
    package = fact.get("package") if isinstance(fact.get("package"), str) else None
    if package in BASE_SYSTEM_PACKAGES or (package is None and name in BASE_PROGRAMS):
        return
    package = package or PROGRAM_PACKAGES.get(name)
    if package and APT_NAME.fullmatch(package):
        needs.programs[name] = package
        needs.need(package, f"the notebook runs `{name}`")
        return
    needs.programs[name] = ""
    where = f" (at {fact['path']} in the kernel's system)" if fact.get("path") else ""
    needs.problems.append(Problem(kind="program-unmapped", message=(
        f"The notebook runs `{name}`{where}, and no Debian package is known to provide it: the image's "
        "start check will warn if it is missing. Add the package that provides it to the spec's "
        "apt_packages (`inspect --json`, edit, `build --spec`).")))


def _library(needs: SystemNeeds, soname: str, lib: dict[str, Any], locked: dict[str, str],
             module_map: dict[str, list[str]]) -> None:
    """A shared library a loaded extension links to: needed when that extension's package is locked."""
    if soname.startswith(DRIVER_LIBRARIES):
        return  # the NVIDIA container runtime mounts the host's driver; the GPU plan handles CUDA
    owners = []
    for module in lib.get("modules") or []:
        dists = module_map.get(str(module)) or []
        owner = next((locked[canonicalize_name(d)] for d in dists if canonicalize_name(d) in locked), None)
        if owner:
            owners.append(f"{module} ({owner})")
    if not owners:
        return
    package = lib.get("package") if isinstance(lib.get("package"), str) else None
    package = package or LIBRARY_PACKAGES.get(soname)
    if package:
        needs.need(package, f"{soname}, linked by {', '.join(owners)}")
    elif not lib.get("path"):
        needs.problems.append(Problem(kind="library-missing", message=(
            f"{', '.join(owners)} links to {soname}, which the kernel's own system does not have and no "
            "Debian package is known for: the import may fail in the image too.")))


def program_distributions(programs: dict[str, str], system: Optional[dict[str, Any]]) -> list[str]:
    """Distributions whose console scripts the notebook ran (`!kaggle ...`): the lock needs them."""
    facts = (system or {}).get("programs") or {}
    found = []
    for name, started in sorted(programs.items()):
        fact = facts.get(started or name)
        if isinstance(fact, dict) and fact.get("in_environment") and isinstance(fact.get("distribution"), str):
            found.append(fact["distribution"])
    return found

# Sourced by the scripts in Scripts/: the one place that installs system packages.
# Usage: ensure_packages pkg…   (installs only what dpkg does not already have)

ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "Swift is not on PATH. Install Swift 6 (https://www.swift.org/install/linux/) and run this again." >&2
        exit 1
    fi
}

# Usage: ensure_python_packages pkg…   (PyPI, for the benchmark's peers; installs only what python3 cannot import)
ensure_python_packages() {
    local missing=()
    local package
    for package in "$@"; do
        python3 -c "import $package" 2>/dev/null || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing ${missing[*]} from PyPI" >&2
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${missing[@]}" >&2
}

# Usage: build_release   (prints the path of the built swell)
# The Swift runtime is linked statically: the process then maps one file instead of a dozen
# shared libraries. lld packs the binary's 64,000 relative relocations into DT_RELR (glibc
# 2.36): the dynamic loader then reads a few KiB at start instead of 1.5 MB of .rela.dyn,
# which would stay resident. Both keep an idle server under 20 MB resident (BENCHMARKS.md).
RELEASE_FLAGS=(-c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs)
# A no-op `swift build` still takes seconds (it re-plans the whole package graph and re-checks
# every dependency), so an up-to-date binary is used as it is: nothing under Sources/ and
# neither Package.swift nor Package.resolved is newer than it. SWELL_BUILD=always forces a build.
build_release() {
    local bin_dir
    bin_dir=".build/release"
    if [ "${SWELL_BUILD:-}" != always ] && [ -x "$bin_dir/swell" ] && [ -f "$bin_dir/.swell-release-flags" ] &&
        [ "$(cat "$bin_dir/.swell-release-flags")" = "${RELEASE_FLAGS[*]}" ] &&
        [ -z "$(find Sources Package.swift Package.resolved -newer "$bin_dir/swell" -print -quit 2>/dev/null)" ]; then
        echo "$(pwd)/$bin_dir/swell"
        return
    fi
    swift build "${RELEASE_FLAGS[@]}" --product swell >&2 || return 1
    bin_dir="$(swift build "${RELEASE_FLAGS[@]}" --show-bin-path)"
    # The binary is only relinked when something changed: mark this build as checked now.
    touch "$bin_dir/swell"
    echo "${RELEASE_FLAGS[*]}" > "$bin_dir/.swell-release-flags"
    echo "$bin_dir/swell"
}

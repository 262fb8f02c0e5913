#!/usr/bin/env bash
# ./simiot applet cap: the CAP file for real cards, built with an Oracle Java Card kit
# (never in the repository) and JDK 17, checked by the kit's off-card verifier.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot applet cap --sdk DIR [--target 3.0.4|3.0.5|3.1.0] [--out DIR]

Compiles the applet (applet/src) for the Java Card Development Kit in DIR,
converts it with the kit's converter against the kit's export files, runs the
off-card verifier on the CAP, and prints the CAP's path, its size and the size
of each component that loads onto the card.

  --sdk DIR     a kit folder as Oracle ships it, or as in the public
                oracle_javacard_sdks collection: jc304_kit, jc305u*_kit
                (converter 3.0.4 / 3.0.5), jc310*_kit, jc320*_kit
                (converter 3.1 / 3.2); default $SIMIOT_JC_SDK
  --target V    platform the CAP loads on. A 3.0.x kit builds for its own
                version only; a 3.1 or 3.2 kit for 3.0.4, 3.0.5 (default)
                or 3.1.0, with the export files of that version it carries
  --out DIR     where the CAP goes (default applet/build/cap)

Class files: javac --release 7 (class version 51, what the 3.0.5, 3.1 and 3.2
converters read); for the 3.0.4 converter, which reads version 50 only, the
version field is then set to 50 (nothing in these classes needs 51: no
invokedynamic, no method handles), and the converter's own verification and
the off-card verifier check the result.
USAGE
}

AID_PACKAGE=F053494D494F5401
AID_APPLET=F053494D494F540100
PACKAGE=org.simiot.applet
APPLET_CLASS=org.simiot.applet.SimIotApplet

colon_aid() { echo "$1" | sed 's/../0x&:/g; s/:$//'; }

cap() {
  local sdk="${SIMIOT_JC_SDK:-}" target="" out="$SIMIOT_ROOT/applet/build/cap"
  while (($#)); do
    case "$1" in
      --sdk) sdk="${2:?--sdk needs a folder}"; shift 2 ;;
      --target) target="${2:?--target needs a version}"; shift 2 ;;
      --out) out="${2:?--out needs a folder}"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die "applet cap: unknown option '$1' (see --help)" ;;
    esac
  done
  [[ -n "$sdk" ]] || die "applet cap: no kit: pass --sdk DIR or set SIMIOT_JC_SDK (see docs/lab.md)"
  [[ -d "$sdk" ]] || die "applet cap: no kit at '$sdk': not a folder"
  sdk="$(cd "$sdk" && pwd)"
  command -v javac >/dev/null || die "applet cap: javac not found (apt-get install openjdk-17-jdk-headless)"

  # What kit is it? 3.0.x kits: lib/api_classic.jar and api_export_files/; 3.1/3.2: lib/api_classic-<v>.jar, exports in tools.jar.
  local kit api classpath exports_dir="" version_byte=""
  # tools.jar first, as the kits' own scripts put it (the 3.0.4 kit's jctasks.jar carries older converter classes)
  local jars=() j
  for j in "$sdk"/lib/*.jar; do [[ -f "$j" && "$j" != */tools.jar ]] && jars+=("$j"); done
  classpath="$sdk/lib/tools.jar$(printf ':%s' "${jars[@]}")"
  if [[ -f "$sdk/lib/api_classic.jar" && -d "$sdk/api_export_files" && -f "$sdk/lib/tools.jar" ]]; then
    kit="$( (java -Djc.home="$sdk" -cp "$classpath" com.sun.javacard.converter.Main -version 2>&1 || true) | sed -n 's/.*Converter \[v\([0-9.]*\)\].*/\1/p' | head -n1)"
    case "$kit" in
      3.0.4|3.0.5) ;;
      *) die "applet cap: unsupported kit in $sdk: its converter says '${kit:-nothing}' (supported: 3.0.4, 3.0.5, 3.1, 3.2)" ;;
    esac
    [[ -z "$target" || "$target" == "$kit" ]] || die "applet cap: the $kit kit builds for $kit only, not --target $target (a 3.1 or 3.2 kit builds for 3.0.4, 3.0.5 and 3.1.0)"
    target="$kit"
    api="$sdk/lib/api_classic.jar"
    exports_dir="$sdk/api_export_files"
    [[ "$kit" == 3.0.4 ]] && version_byte=50
  elif [[ -f "$sdk/lib/tools.jar" ]] && compgen -G "$sdk/lib/api_classic-3.*.jar" >/dev/null; then
    kit="$(printf '%s\n' "$sdk"/lib/api_classic-3.*.jar | sed 's/.*api_classic-\(3\.[0-9.]*\)\.jar/\1/' | sort -V | tail -n1)"
    case "$kit" in 3.1.0|3.2.0) ;; *) die "applet cap: unsupported kit in $sdk: newest API jar is $kit (supported: 3.0.4, 3.0.5, 3.1, 3.2)" ;; esac
    target="${target:-3.0.5}"
    case "$target" in 3.0.4|3.0.5|3.1.0) ;; *) die "applet cap: --target is 3.0.4, 3.0.5 or 3.1.0, not '$target'" ;; esac
    api="$sdk/lib/api_classic-$target.jar"
    [[ -f "$api" ]] || die "applet cap: the kit in $sdk has no $(basename "$api") for --target $target"
  else
    die "applet cap: no Java Card kit in $sdk: found neither lib/api_classic.jar with api_export_files/ (3.0.x) nor lib/api_classic-3.x.jar with lib/tools.jar (3.1, 3.2)"
  fi

  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/classes" "$work/out" "$out"
  # The card's API only (the kit's jar); java.* from the JDK's release 7 signatures.
  # Deprecation is expected: ALG_SECURE_RANDOM and generateData are the only way on 3.0.4 cards.
  javac --release 7 -Xlint:all,-options,-deprecation -Werror -g:none -encoding UTF-8 -cp "$api" -d "$work/classes" \
    $(find "$SIMIOT_ROOT/applet/src" -name '*.java') >"$work/javac.log" 2>&1 || { cat "$work/javac.log" >&2; die "applet cap: javac failed"; }
  if [[ -n "$version_byte" ]]; then
    # major_version is the u2 at offset 6 of a class file: 0x0033 (51) -> 0x0032 (50)
    find "$work/classes" -name '*.class' -exec sh -c 'printf "\000\062" | dd of="$1" bs=1 seek=6 conv=notrunc status=none' _ {} \;
  fi

  local conv=(java -Djc.home="$sdk" -cp "$classpath" com.sun.javacard.converter.Main)
  local convargs=(-classdir "$work/classes" -applet "$(colon_aid $AID_APPLET)" "$APPLET_CLASS" -out CAP EXP -d "$work/out")
  if [[ -n "$exports_dir" ]]; then
    convargs+=(-exportpath "$exports_dir")
  else
    convargs+=(-target "$target")
    # the verifier needs the export files of the target, which the 3.1/3.2 kits keep in tools.jar
    (cd "$work" && unzip -q -o "$sdk/lib/tools.jar" "api_export_files_$target/*" 2>/dev/null) \
      || die "applet cap: the kit's tools.jar has no api_export_files_$target"
    exports_dir="$work/api_export_files_$target"
  fi
  log "converter $kit (target $target), class file version ${version_byte:-51}"
  "${conv[@]}" "${convargs[@]}" "$PACKAGE" "$(colon_aid $AID_PACKAGE)" 1.0 >"$work/converter.log" 2>&1 || true
  grep -q "conversion completed with 0 errors and 0 warnings" "$work/converter.log" \
    || { cat "$work/converter.log" >&2; die "applet cap: the converter did not finish cleanly (log above)"; }
  local capfile; capfile="$(find "$work/out" -name '*.cap' | head -n1)"
  local exps=()
  for p in java/lang javacard/framework javacard/security javacardx/crypto; do
    exps+=("$exports_dir/$p/javacard/$(basename "$p").exp")
  done
  java -Djc.home="$sdk" -cp "$classpath" com.sun.javacard.offcardverifier.Verifier "${exps[@]}" "$capfile" >"$work/verifier.log" 2>&1 || true
  grep -q "Verification completed with 0 warnings and 0 errors" "$work/verifier.log" \
    || { cat "$work/verifier.log" >&2; die "applet cap: the off-card verifier did not pass the CAP (log above)"; }

  local dest="$out/SimIoT-$target.cap"
  cp "$capfile" "$dest"
  echo "CAP: $dest"
  echo "size: $(stat -c %s "$dest") bytes (converter $kit, target $target, off-card verifier: 0 errors, 0 warnings)"
  echo "components loaded onto the card (bytes):"
  # Descriptor and Debug stay off the card (GlobalPlatform LOAD sends the others).
  unzip -Zl "$dest" | awk '$NF ~ /\/javacard\/[A-Za-z]+\.cap$/ { n=$NF; sub(/.*\//, "", n); sub(/\.cap$/, "", n); if (n != "Descriptor" && n != "Debug") { printf "  %-13s %6d\n", n, $4; t += $4 } } END { printf "  %-13s %6d\n", "total", t }'
}

sub="${1:-}"
case "$sub" in
  cap) shift; cap "$@" ;;
  ""|-h|--help) usage ;;
  *) usage >&2; die "applet: unknown subcommand '$sub'" ;;
esac

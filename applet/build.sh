#!/usr/bin/env bash
# Builds the Java Card runtime, the applet (for the simulated card: the CAP
# build is `./simiot applet cap`), the card host and the tests into applet/build/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
B="$HERE/build"
JUNIT="${JUNIT_JAR:-/usr/share/java/junit-platform-console-standalone.jar}"

rm -rf "$B/classes"
mkdir -p "$B/classes/runtime" "$B/classes/applet" "$B/classes/card" "$B/classes/host" "$B/classes/test"

# The applet sees only the Java Card API (plus the runtime that implements it).
javac -nowarn --release 8 -Xlint:-options -encoding UTF-8 -d "$B/classes/runtime" $(find "$HERE/jcruntime/src" -name '*.java')
javac -nowarn --release 8 -Xlint:-options -encoding UTF-8 -cp "$B/classes/runtime" -d "$B/classes/applet" $(find "$HERE/src" -name '*.java')
# The instrumenter uses the JDK's internal ASM (simiot.tools.Instrumenter).
ASM=(--add-exports java.base/jdk.internal.org.objectweb.asm=ALL-UNNAMED)
javac "${ASM[@]}" -encoding UTF-8 -cp "$B/classes/runtime:$B/classes/applet" -d "$B/classes/host" $(find "$HERE/host/src" -name '*.java')

# The applet must stay inside the Java Card subset, or the CAP converter will refuse it.
java -cp "$B/classes/host" simiot.tools.SubsetChecker "$HERE/src" >/dev/null
java -cp "$B/classes/host" simiot.tools.ClassFileChecker "$B/classes/applet" >/dev/null
# The simulated card runs a copy whose array stores go through the runtime, which
# journals and tears them as a card does (classes/card; classes/applet stays as compiled).
rm -rf "$B/classes/card" && cp -r "$B/classes/applet" "$B/classes/card"
java "${ASM[@]}" -cp "$B/classes/host" simiot.tools.Instrumenter "$B/classes/card" >/dev/null

( cd "$B" && rm -f card-host.jar && printf 'Main-Class: simiot.host.CardHost\n' > manifest.txt \
  && jar cfm card-host.jar manifest.txt -C classes/runtime . -C classes/card . -C classes/host . )

if [[ "${1:-}" != "--no-tests" ]]; then
  [[ -f "$JUNIT" ]] || { echo "build: JUnit console launcher not found at $JUNIT (apt-get install junit5)" >&2; exit 1; }
  javac -encoding UTF-8 -cp "$B/classes/runtime:$B/classes/applet:$B/classes/host:$JUNIT" -d "$B/classes/test" $(find "$HERE/test/src" -name '*.java')
  java "${ASM[@]}" -cp "$B/classes/host" simiot.tools.Instrumenter "$B/classes/test" simiot/test/ProbeApplet.class >/dev/null
fi
echo "build: ok ($B/card-host.jar)"

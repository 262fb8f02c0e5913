package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real PC/SC stack: pcscd with the vpcd driver, the card host, and
 * opensc-tool as the client. Starts the rig when it is not up (and stops it
 * again); fails, never skips, when pcscd or the card cannot run.
 */
public class PcscRigTest {
    static final String READER = "Virtual PCD 00 00";

    static Path root() {
        String r = System.getenv("SIMIOT_ROOT");
        return r != null ? Paths.get(r) : Paths.get("..").toAbsolutePath().normalize();
    }

    static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(root().toFile());
        pb.environment().put("SIMIOT_ROOT", root().toString());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + out);
        return out;
    }

    static List<String> rig(String... args) {
        List<String> l = new ArrayList<>(Arrays.asList("bash", root().resolve("scripts/rig.sh").toString()));
        l.addAll(Arrays.asList(args));
        return l;
    }

    /** Responses of opensc-tool -s ...: one "SW data" string per APDU. */
    static List<String> responses(String out) {
        List<String> r = new ArrayList<>();
        Matcher m = Pattern.compile("Received \\(SW1=0x([0-9A-F]{2}), SW2=0x([0-9A-F]{2})\\)(:\\n((?:[0-9A-F]{2} .*\\n)*))?").matcher(out);
        while (m.find()) {
            StringBuilder data = new StringBuilder();
            if (m.group(4) != null) {
                for (String line : m.group(4).split("\n")) {
                    for (String tok : line.trim().split(" +")) {
                        if (tok.matches("[0-9A-F]{2}")) data.append(tok); else break;
                    }
                }
            }
            r.add(m.group(1) + m.group(2) + " " + data);
        }
        return r;
    }

    /** Brings the rig up for the rest of this JVM when it was down (other PC/SC tests share it). */
    public static synchronized void ensureRigUp() throws Exception {
        if (run(rig("status"), 30).contains("card present")) {
            return;
        }
        run(rig("up", "--timeout", "60"), 120);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(rig("down"), 60);
            } catch (Exception | AssertionError e) {
                System.err.println("rig down failed: " + e);
            }
        }));
    }

    @Test
    void opensctoolTalksToTheAppletThroughPcscdAndVpcd() throws Exception {
        assertTrue(Files.isExecutable(Paths.get("/usr/sbin/pcscd")) || Files.isExecutable(Paths.get("/usr/bin/pcscd")),
                "pcscd is not installed: apt-get install pcscd vsmartcard-vpcd opensc (scripts/apt-packages.txt)");
        boolean wasUp = run(rig("status"), 30).contains("card present");
        if (!wasUp) run(rig("up", "--timeout", "60"), 120);
        try {
            String list = run(Arrays.asList("opensc-tool", "-l"), 30);
            assertTrue(list.matches("(?s).*\\d+\\s+Yes\\s+.*" + READER + ".*"), "card visible to PC/SC:\n" + list);
            String out = run(Arrays.asList("opensc-tool", "-r", READER,
                    "-s", "00A4040009F053494D494F540100",
                    "-s", "80CA000000",
                    "-s", "0084000010",
                    "-s", "80EE000000",
                    "-s", "80DA00010800000000000004D2"), 30);
            List<String> r = responses(out);
            assertEquals(5, r.size(), out);
            assertEquals("9000 ", r.get(0), "SELECT");
            assertTrue(r.get(1).startsWith("9000 01") && r.get(1).length() == 5 + 58 * 2, "GET STATUS record: " + r.get(1));
            assertTrue(r.get(2).matches("9000 [0-9A-F]{32}"), "GET CHALLENGE: " + r.get(2));
            assertEquals("6D00 ", r.get(3), "unknown instruction");
            assertEquals("6982 ", r.get(4), "personalisation needs the administrator");
        } finally {
            if (!wasUp) run(rig("down"), 60);
        }
    }
}

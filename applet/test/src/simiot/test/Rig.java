package simiot.test;

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

/**
 * The rig as the PC/SC tests use it. When a rig is already up, its card is
 * somebody's card: tests only read from it. When none is up, the tests start
 * one with a rig directory in /tmp (a fresh card, the user's .simiot/ left
 * alone) and stop it when the JVM exits.
 */
public final class Rig {
    public static final String READER = "Virtual PCD 00 00";
    private static Rig instance;

    /** True when the card in the reader is a fresh card this JVM may personalise. */
    public final boolean ownCard;
    private final Path dir;

    private Rig(boolean ownCard, Path dir) {
        this.ownCard = ownCard;
        this.dir = dir;
    }

    public static synchronized Rig get() throws Exception {
        if (instance != null) {
            return instance;
        }
        if (!Files.isExecutable(Paths.get("/usr/sbin/pcscd")) && !Files.isExecutable(Paths.get("/usr/bin/pcscd"))) {
            fail("pcscd is not installed: apt-get install pcscd vsmartcard-vpcd opensc (scripts/apt-packages.txt)");
        }
        if (run(null, 30, "status").contains("card present")) {
            instance = new Rig(false, null);
            return instance;
        }
        Path dir = Files.createTempDirectory("simiot-rig");
        // up may first wait up to 65 s for the vpcd port (see rig.sh), then 60 s for the card.
        run(dir, 200, "up", "--timeout", "60");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(dir, 60, "down");
                try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            } catch (Exception | AssertionError e) {
                System.err.println("rig down failed: " + e);
            }
        }));
        instance = new Rig(true, dir);
        return instance;
    }

    public static Path root() {
        String r = System.getenv("SIMIOT_ROOT");
        return r != null ? Paths.get(r) : Paths.get("..").toAbsolutePath().normalize();
    }

    static String run(Path rigDir, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList("bash", root().resolve("scripts/rig.sh").toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(root().toFile());
        pb.environment().put("SIMIOT_ROOT", root().toString());
        if (rigDir != null) {
            pb.environment().put("SIMIOT_RIG_DIR", rigDir.toString());
        }
        return exec(pb, cmd, timeoutSeconds);
    }

    public static String exec(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        return exec(new ProcessBuilder(cmd).redirectErrorStream(true).directory(root().toFile()), cmd, timeoutSeconds);
    }

    private static String exec(ProcessBuilder pb, List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}

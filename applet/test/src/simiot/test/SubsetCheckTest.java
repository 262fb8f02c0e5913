package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import simiot.tools.SubsetChecker;

/** The applet sources stay inside the Java Card subset; the checker really catches what it must. */
class SubsetCheckTest {

    static Path appletSources() {
        String root = System.getenv("SIMIOT_ROOT");
        Path p = root != null ? Paths.get(root, "applet", "src") : Paths.get("src");
        assertTrue(Files.isDirectory(p), "applet sources at " + p.toAbsolutePath());
        return p;
    }

    @Test
    void appletSourcesAreInsideTheSubset() throws Exception {
        List<String> problems = SubsetChecker.checkTree(appletSources());
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "class A { void f() { int x = 0; } }",
            "class A { long f() { return 0; } }",
            "class A { void f() { float x; double y; char z; } }",
            "class A { void f() { Object o = \"text\"; } }",
            "class A { String name; }",
            "import java.util.List;\nclass A { }",
            "class A { void f() { java.util.Arrays.fill(b, (byte) 0); } }",
            "class A { void f() { byte[] b = new byte[2]; } }",
            "class A { void f() { throw new RuntimeException(); } }",
            "class A { static byte[] B = new byte[2]; }",
            "class A { void f() { short s = Short.MAX_VALUE; } }",
            "class A { void f() { System.arraycopy(a, 0, b, 0, 1); } }",
    })
    void violationsAreFound(String source) {
        assertTrue(!SubsetChecker.check("Sample.java", source).isEmpty(), "must be rejected: " + source);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "class A { private final byte[] b = new byte[4]; }",
            "class A { A() { b = new byte[2]; } }",
            "class A { public static void install(byte[] b, short o, byte l) { new A(); } }",
            "import javacard.framework.Util;\nclass A { void f() { short s = (short) 1; /* int in a comment */ } }",
            "class A { static final byte[] T = { 1, 2 }; void f() { } }",
            "class A { void f() { byte[] b = x; /* new in a comment */ } }",
    })
    void subsetCodeIsAccepted(String source) {
        assertEquals(List.of(), SubsetChecker.check("Sample.java", source));
    }
}

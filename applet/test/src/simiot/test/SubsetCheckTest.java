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
import simiot.tools.ClassFileChecker;
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

    @Test
    void compiledAppletClassesAreInsideTheSubset() throws Exception {
        Path classes = appletSources().getParent().resolve("build/classes/applet");
        assertEquals(List.of(), ClassFileChecker.checkTree(classes));
    }

    /** Compiles a sample class for Java 8 and runs the class file check on it. */
    static List<String> compiled(String source) throws Exception {
        Path dir = Files.createTempDirectory("subset");
        Files.write(dir.resolve("S.java"), source.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "8", "-nowarn", "-d", dir.toString(), dir.resolve("S.java").toString());
        assertEquals(0, rc, "sample compiles");
        return ClassFileChecker.checkTree(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "class S { byte[] b; void f(short s) { Object o = \"n=\" + s; } }",
            "class S { short f(short a) { return (short) (a * 100000); } }",
            "class S { int x; }",
            "class S { void f(long l) { } }",
            "class S { Object f() { return Short.valueOf((short) 1); } }",
            "class S { void f() { java.util.Arrays.fill(new byte[1], (byte) 0); } }",
            "class S { short f(short a) { return (short) (a / 1.5); } }",
    })
    void compiledViolationsAreFound(String source) throws Exception {
        assertTrue(!compiled(source).isEmpty(), "must be rejected: " + source);
    }

    @Test
    void compiledSubsetCodeIsAccepted() throws Exception {
        assertEquals(List.of(), compiled("class S { byte[] b = new byte[4]; short f(short a, byte c) { return (short) ((short) (a << 3) + c); } }"));
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

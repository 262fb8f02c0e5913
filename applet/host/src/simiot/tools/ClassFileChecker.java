package simiot.tools;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The second half of the subset check, on the compiled applet: what javac
 * made of the sources. It finds what a source scan cannot see — string
 * concatenation, boxing, 32-bit constants, int/long/float/double in a field or
 * method signature, and any class the card does not have.
 */
public final class ClassFileChecker {
    private static final String[] ALLOWED_PREFIXES = {"javacard/", "javacardx/"};
    private static final String[] ALLOWED_CLASSES = {
            "java/lang/Object", "java/lang/Throwable", "java/lang/Exception", "java/lang/RuntimeException",
            "java/lang/ArithmeticException", "java/lang/ArrayIndexOutOfBoundsException", "java/lang/ArrayStoreException",
            "java/lang/ClassCastException", "java/lang/IndexOutOfBoundsException", "java/lang/NegativeArraySizeException",
            "java/lang/NullPointerException", "java/lang/SecurityException"};

    private ClassFileChecker() {
    }

    public static void main(String[] args) throws IOException {
        SubsetCheckRun.main("class file check", ClassFileChecker::checkTree, args);
    }

    /** Checks every class under root; own classes are those in the same package tree. */
    public static List<String> checkTree(Path root) throws IOException {
        List<Path> files = SubsetCheckRun.files(root, ".class");
        List<String> problems = new ArrayList<>();
        if (files.isEmpty()) {
            problems.add(root + ": no class files to check");
        }
        List<String> own = new ArrayList<>();
        for (Path f : files) {
            own.add(root.relativize(f).toString().replace('\\', '/').replaceAll("\\.class$", ""));
        }
        for (Path f : files) {
            problems.addAll(check(f.toString(), Files.readAllBytes(f), own));
        }
        return problems;
    }

    public static List<String> check(String name, byte[] classFile, List<String> ownClasses) throws IOException {
        List<String> problems = new ArrayList<>();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            problems.add(name + ": not a class file");
            return problems;
        }
        in.readUnsignedShort();
        int major = in.readUnsignedShort();
        if (major > 52) {
            problems.add(name + ": class file version " + major + " (the converter wants Java 8, 52, or lower)");
        }
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        List<Integer> descriptorIndexes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: utf8[i] = in.readUTF(); break;
                case 3: {
                    int v = in.readInt();
                    if (v < Short.MIN_VALUE || v > 0xFFFF) {
                        problems.add(name + ": 32-bit constant " + v + " (no int on the card)");
                    }
                    break;
                }
                case 4: in.readInt(); problems.add(name + ": float constant"); break;
                case 5: in.readLong(); problems.add(name + ": long constant"); i++; break;
                case 6: in.readLong(); problems.add(name + ": double constant"); i++; break;
                case 7: classNameIndex[i] = in.readUnsignedShort(); break;
                case 8: in.readUnsignedShort(); problems.add(name + ": string constant"); break;
                case 9: case 10: case 11: in.readUnsignedShort(); in.readUnsignedShort(); break;
                case 12: in.readUnsignedShort(); descriptorIndexes.add(in.readUnsignedShort()); break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); problems.add(name + ": method handle"); break;
                case 16: in.readUnsignedShort(); problems.add(name + ": method type"); break;
                case 17: case 18: in.readUnsignedShort(); in.readUnsignedShort(); problems.add(name + ": invokedynamic (lambda or string concatenation)"); break;
                case 19: case 20: in.readUnsignedShort(); break;
                default: throw new IOException(name + ": unknown constant pool tag " + tag);
            }
        }
        for (int i = 1; i < count; i++) {
            if (classNameIndex[i] == 0) {
                continue;
            }
            String c = utf8[classNameIndex[i]].replaceAll("^\\[+L?|;$", "");
            if (c.length() == 1) {
                continue; // a primitive array type
            }
            if (!allowed(c, ownClasses)) {
                problems.add(name + ": uses " + c.replace('/', '.') + ", which the card does not have");
            }
        }
        // Field and method types declared by this class and used from others.
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) in.readUnsignedShort();
        for (int pass = 0; pass < 2; pass++) {
            int members = in.readUnsignedShort();
            for (int m = 0; m < members; m++) {
                in.readUnsignedShort();
                String member = utf8[in.readUnsignedShort()];
                String descriptor = utf8[in.readUnsignedShort()];
                if (descriptor.matches(".*(?<![L/\\w])[IJFDC].*")) {
                    problems.add(name + ": " + member + " has type " + descriptor + " (int/long/float/double/char)");
                }
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    in.readUnsignedShort();
                    in.skipBytes(in.readInt());
                }
            }
        }
        for (int d : descriptorIndexes) {
            String descriptor = utf8[d];
            if (descriptor.matches(".*(?<![L/\\w])[IJFDC].*")) {
                problems.add(name + ": refers to a member of type " + descriptor);
            }
        }
        return problems;
    }

    private static boolean allowed(String c, List<String> own) {
        for (String p : ALLOWED_PREFIXES) if (c.startsWith(p)) return true;
        for (String k : ALLOWED_CLASSES) if (c.equals(k)) return true;
        return own.contains(c);
    }
}

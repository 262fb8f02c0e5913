package simiot.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fails when applet sources step outside the Java Card 3.0.5 Classic subset
 * that the CAP converter accepts without int support: no int/long/float/
 * double/char, no String or other java.lang helpers, no java.* imports, and no
 * object allocation outside constructors, install() and instance field
 * initialisers (which run in the constructor).
 */
public final class SubsetChecker {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "\\b(int|long|float|double|char|String|StringBuilder|synchronized|System|Math|Integer|Long|Float|Double|Character|Short|Byte|Boolean|Thread|Runtime|Object\\s*\\.\\s*clone)\\b");
    private static final Pattern JAVA_PACKAGE = Pattern.compile("\\bjava\\s*\\.");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?\\s*;", Pattern.MULTILINE);
    private static final Pattern TYPE_DECL = Pattern.compile("\\b(class|interface|enum)\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("(\\w+)\\s*\\([^()]*\\)\\s*(throws\\s+[\\w.,\\s]+)?$");
    private static final Pattern NEW = Pattern.compile("\\bnew\\b");

    private SubsetChecker() {
    }

    public static void main(String[] args) throws IOException {
        SubsetCheckRun.main("subset check", SubsetChecker::checkTree, args);
    }

    public static List<String> checkTree(Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> files = SubsetCheckRun.files(root, ".java");
        if (files.isEmpty()) {
            problems.add(root + ": no Java sources to check");
        }
        for (Path f : files) {
            problems.addAll(check(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8)));
        }
        return problems;
    }

    /** Blanks comments and literals (keeping line breaks) so that only code is matched. */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '/') {
                while (i < src.length() && src.charAt(i) != '\n') { out.append(' '); i++; }
            } else if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '*') {
                while (i < src.length() && !(src.charAt(i) == '*' && i + 1 < src.length() && src.charAt(i + 1) == '/')) {
                    out.append(src.charAt(i) == '\n' ? '\n' : ' ');
                    i++;
                }
                out.append("  ");
                i += 2;
            } else if (c == '"' || c == '\'') {
                out.append('"'); // a literal of either kind is itself outside the subset for '"'; keep a marker
                i++;
                while (i < src.length() && src.charAt(i) != c) {
                    if (src.charAt(i) == '\\') { out.append(' '); i++; }
                    out.append(src.charAt(i) == '\n' ? '\n' : ' ');
                    i++;
                }
                out.append(c == '"' ? '"' : ' ');
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private enum Kind { CLASS, ALLOCATING, METHOD, STATIC_INIT, INNER }

    private static final class Block {
        final Kind kind;
        final String name;

        Block(Kind kind, String name) {
            this.kind = kind;
            this.name = name;
        }
    }

    public static List<String> check(String file, String source) {
        List<String> problems = new ArrayList<>();
        String code = codeOnly(source);
        String[] lines = code.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            Matcher m = FORBIDDEN.matcher(line);
            while (m.find()) {
                problems.add(file + ":" + (n + 1) + ": '" + m.group(1) + "' is not in the Java Card subset");
            }
            if (line.contains("\"")) {
                problems.add(file + ":" + (n + 1) + ": string literal (String is not in the Java Card subset)");
            }
        }
        Matcher im = IMPORT.matcher(code);
        while (im.find()) {
            String what = im.group(2);
            if (!(what.startsWith("javacard.") || what.startsWith("javacardx."))) {
                problems.add(file + ":" + lineOf(code, im.start()) + ": import " + what + " is not part of the Java Card API");
            }
        }
        Matcher jm = JAVA_PACKAGE.matcher(code);
        while (jm.find()) {
            problems.add(file + ":" + lineOf(code, jm.start()) + ": java.* is not available on the card");
        }
        checkAllocations(file, code, problems);
        return problems;
    }

    private static void checkAllocations(String file, String code, List<String> problems) {
        Deque<Block> stack = new ArrayDeque<>();
        int headerStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '{') {
                String header = code.substring(headerStart, i).trim();
                Block parent = stack.peek();
                Matcher t = TYPE_DECL.matcher(header);
                Block b;
                if (header.endsWith("=") || header.endsWith("]") || header.endsWith(",") || header.endsWith("{")) {
                    b = new Block(parent == null ? Kind.INNER : parent.kind == Kind.CLASS ? Kind.INNER : parent.kind, "array initialiser");
                } else if (t.find() && (parent == null || parent.kind == Kind.CLASS)) {
                    b = new Block(Kind.CLASS, t.group(2));
                } else if (parent != null && parent.kind == Kind.CLASS) {
                    Matcher mm = METHOD.matcher(header);
                    if (header.equals("static")) {
                        b = new Block(Kind.STATIC_INIT, "static initialiser");
                    } else if (mm.find()) {
                        String name = mm.group(1);
                        boolean allocating = name.equals(parent.name) || name.equals("install");
                        b = new Block(allocating ? Kind.ALLOCATING : Kind.METHOD, name);
                    } else {
                        b = new Block(Kind.INNER, header);
                    }
                } else {
                    b = new Block(parent == null ? Kind.INNER : parent.kind, parent == null ? "" : parent.name);
                }
                scanNew(file, code, headerStart, i, parent, problems);
                stack.push(b);
                headerStart = i + 1;
            } else if (c == '}' || c == ';') {
                scanNew(file, code, headerStart, i, stack.peek(), problems);
                if (c == '}' && !stack.isEmpty()) {
                    stack.pop();
                }
                headerStart = i + 1;
            }
        }
    }

    private static void scanNew(String file, String code, int from, int to, Block where, List<String> problems) {
        String stmt = code.substring(from, to);
        Matcher m = NEW.matcher(stmt);
        while (m.find()) {
            boolean ok;
            if (where == null) {
                ok = false;
            } else if (where.kind == Kind.CLASS) {
                ok = !Pattern.compile("\\bstatic\\b").matcher(stmt).find(); // instance field initialiser: runs in the constructor
            } else {
                ok = where.kind == Kind.ALLOCATING;
            }
            if (!ok) {
                problems.add(file + ":" + lineOf(code, from + m.start()) + ": 'new' outside a constructor or install()"
                        + (where == null ? "" : " (in " + where.name + ")"));
            }
        }
    }

    private static int lineOf(String s, int index) {
        int n = 1;
        for (int i = 0; i < index && i < s.length(); i++) {
            if (s.charAt(i) == '\n') n++;
        }
        return n;
    }
}

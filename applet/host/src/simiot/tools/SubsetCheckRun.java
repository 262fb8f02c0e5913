package simiot.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What both subset checks share: the files of a tree they read, and how a run reports and exits. */
final class SubsetCheckRun {
    interface TreeCheck {
        List<String> check(Path root) throws IOException;
    }

    private SubsetCheckRun() {
    }

    /** Checks every tree named on the command line; prints the problems and exits 1 when there are any. */
    static void main(String name, TreeCheck check, String[] roots) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String root : roots) {
            problems.addAll(check.check(Paths.get(root)));
        }
        problems.forEach(System.err::println);
        if (!problems.isEmpty()) {
            System.err.println(name + ": " + problems.size() + " violation(s) of the Java Card subset");
            System.exit(1);
        }
        System.out.println(name + ": ok");
    }

    /** The files under root whose names end in suffix, in a stable order. */
    static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        }
    }
}

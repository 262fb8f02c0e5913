package simiot.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.internal.org.objectweb.asm.ClassReader;
import jdk.internal.org.objectweb.asm.ClassVisitor;
import jdk.internal.org.objectweb.asm.ClassWriter;
import jdk.internal.org.objectweb.asm.MethodVisitor;
import jdk.internal.org.objectweb.asm.Opcodes;

/**
 * Makes the applet's class files run on the simulated card as on a real one:
 * every array store (bastore, sastore, aastore) becomes a call into the
 * runtime (simiot.jcre.Jcre), which journals it inside a transaction, leaves
 * RAM alone and can cut the power before any single persistent write. A write
 * to an instance field outside a constructor fails the build: the runtime
 * journals array elements only, and the applet keeps all its state in arrays.
 *
 * Rewrites the class files in place; the CAP build compiles its own, untouched
 * classes. Uses the JDK's internal copy of ASM (java.base exports it to this
 * tool at compile and run time with --add-exports).
 *
 * Usage: Instrumenter CLASS_DIR [RELATIVE_CLASS_FILE ...] (default: every class file under CLASS_DIR)
 */
public final class Instrumenter {
    private static final String JCRE = "simiot/jcre/Jcre";

    private Instrumenter() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[0]);
        List<Path> files = new ArrayList<>();
        if (args.length > 1) {
            for (int i = 1; i < args.length; i++) {
                files.add(dir.resolve(args[i]));
            }
        } else {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".class")).forEach(files::add);
            }
        }
        List<String> errors = new ArrayList<>();
        for (Path f : files) {
            Files.write(f, instrument(Files.readAllBytes(f), errors));
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> System.err.println("instrument: " + e));
            System.exit(1);
        }
        System.out.println("instrument: " + files.size() + " class files");
    }

    static byte[] instrument(byte[] classFile, List<String> errors) {
        ClassReader r = new ClassReader(classFile);
        ClassWriter w = new ClassWriter(r, ClassWriter.COMPUTE_MAXS);
        String owner = r.getClassName();
        r.accept(new ClassVisitor(Opcodes.ASM8, w) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exc) {
                MethodVisitor mv = super.visitMethod(access, name, desc, sig, exc);
                boolean constructor = name.equals("<init>");
                return new MethodVisitor(Opcodes.ASM8, mv) {
                    @Override
                    public void visitInsn(int opcode) {
                        switch (opcode) {
                            case Opcodes.BASTORE:
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, JCRE, "bastore", "(Ljava/lang/Object;II)V", false);
                                return;
                            case Opcodes.SASTORE:
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, JCRE, "sastore", "([SII)V", false);
                                return;
                            case Opcodes.AASTORE:
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, JCRE, "aastore",
                                        "([Ljava/lang/Object;ILjava/lang/Object;)V", false);
                                return;
                            default:
                                super.visitInsn(opcode);
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String fOwner, String fName, String fDesc) {
                        if (opcode == Opcodes.PUTFIELD && !constructor) {
                            errors.add(owner + "." + name + " writes field " + fName
                                    + ": keep persistent state in arrays (the simulated card journals array elements only)");
                        }
                        super.visitFieldInsn(opcode, fOwner, fName, fDesc);
                    }
                };
            }
        }, 0);
        return w.toByteArray();
    }
}

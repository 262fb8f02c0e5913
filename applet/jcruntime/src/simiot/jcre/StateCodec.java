package simiot.jcre;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javacard.framework.Applet;

/**
 * The card's persistent memory, seen as the applet's object graph. Every
 * persistent primitive array and every non-final primitive field reachable
 * from the applet instance is addressed by a path of field names, so a state
 * can be captured (transaction start, save to file) and written back into a
 * freshly installed instance of the same applet. Reference fields themselves
 * are not restored: like a Java Card applet, ours allocates its objects once
 * at install and only changes their contents afterwards.
 */
public final class StateCodec {
    private static final byte T_BYTES = 1, T_SHORTS = 2, T_BOOLS = 3, T_BYTE = 4, T_SHORT = 5, T_BOOL = 6, T_INT = 7;
    private static final byte[] MAGIC = {'S', 'J', 'C', '1'};

    private StateCodec() {
    }

    public static Map<String, Object> capture(Object root, Set<Object> transients) {
        Map<String, Object> state = new LinkedHashMap<>();
        walk(root, "applet", transients, Collections.newSetFromMap(new IdentityHashMap<>()), state, null);
        return state;
    }

    public static void restore(Object root, Set<Object> transients, Map<String, Object> state) {
        walk(root, "applet", transients, Collections.newSetFromMap(new IdentityHashMap<>()), null, state);
    }

    private static boolean walkable(Class<?> c) {
        if (c == AesKeyImpl.class) {
            return true;
        }
        String n = c.getName();
        return !(n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("javacard.")
                || n.startsWith("javacardx.") || n.startsWith("simiot.jcre.") || n.startsWith("sun.") || n.startsWith("jdk."));
    }

    private static List<Field> fields(Class<?> c) {
        List<Field> all = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class && k != Applet.class; k = k.getSuperclass()) {
            Field[] fs = k.getDeclaredFields();
            Arrays.sort(fs, (a, b) -> a.getName().compareTo(b.getName()));
            for (Field f : fs) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    all.add(f);
                }
            }
        }
        return all;
    }

    private static void walk(Object o, String path, Set<Object> transients, Set<Object> seen,
                             Map<String, Object> out, Map<String, Object> in) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o.getClass().isArray()) {
            if (transients.contains(o)) {
                return;
            }
            if (o instanceof Object[]) {
                Object[] arr = (Object[]) o;
                for (int i = 0; i < arr.length; i++) {
                    walk(arr[i], path + "[" + i + "]", transients, seen, out, in);
                }
            } else if (out != null) {
                out.put(path, copyArray(o));
            } else if (in.containsKey(path)) {
                Object saved = in.get(path);
                if (saved.getClass() == o.getClass()) {
                    System.arraycopy(saved, 0, o, 0, Math.min(java.lang.reflect.Array.getLength(saved), java.lang.reflect.Array.getLength(o)));
                }
            }
            return;
        }
        if (!walkable(o.getClass())) {
            return;
        }
        for (Field f : fields(o.getClass())) {
            f.setAccessible(true);
            String p = path + "." + f.getName();
            try {
                Class<?> t = f.getType();
                if (t.isPrimitive()) {
                    if (Modifier.isFinal(f.getModifiers())) {
                        continue;
                    }
                    if (out != null) {
                        out.put(p, f.get(o));
                    } else if (in.containsKey(p) && in.get(p).getClass() == wrapper(t)) {
                        f.set(o, in.get(p));
                    }
                } else {
                    walk(f.get(o), p, transients, seen, out, in);
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Class<?> wrapper(Class<?> t) {
        if (t == byte.class) return Byte.class;
        if (t == short.class) return Short.class;
        if (t == boolean.class) return Boolean.class;
        if (t == int.class) return Integer.class;
        return Void.class;
    }

    private static Object copyArray(Object a) {
        if (a instanceof byte[]) return ((byte[]) a).clone();
        if (a instanceof short[]) return ((short[]) a).clone();
        if (a instanceof boolean[]) return ((boolean[]) a).clone();
        throw new IllegalStateException("unsupported array type on card: " + a.getClass().getSimpleName());
    }

    public static boolean equal(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!java.util.Objects.deepEquals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public static byte[] encode(Map<String, Object> state) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(bo);
            d.write(MAGIC);
            d.writeInt(state.size());
            for (Map.Entry<String, Object> e : state.entrySet()) {
                d.writeUTF(e.getKey());
                Object v = e.getValue();
                if (v instanceof byte[]) {
                    d.writeByte(T_BYTES);
                    d.writeInt(((byte[]) v).length);
                    d.write((byte[]) v);
                } else if (v instanceof short[]) {
                    d.writeByte(T_SHORTS);
                    d.writeInt(((short[]) v).length);
                    for (short s : (short[]) v) d.writeShort(s);
                } else if (v instanceof boolean[]) {
                    d.writeByte(T_BOOLS);
                    d.writeInt(((boolean[]) v).length);
                    for (boolean z : (boolean[]) v) d.writeBoolean(z);
                } else if (v instanceof Byte) {
                    d.writeByte(T_BYTE);
                    d.writeByte((Byte) v);
                } else if (v instanceof Short) {
                    d.writeByte(T_SHORT);
                    d.writeShort((Short) v);
                } else if (v instanceof Boolean) {
                    d.writeByte(T_BOOL);
                    d.writeBoolean((Boolean) v);
                } else if (v instanceof Integer) {
                    d.writeByte(T_INT);
                    d.writeInt((Integer) v);
                } else {
                    throw new IllegalStateException("cannot persist " + e.getKey());
                }
            }
            d.flush();
            return bo.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> decode(byte[] bytes) throws IOException {
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] magic = new byte[4];
        d.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a card state file");
        }
        int n = d.readInt();
        Map<String, Object> state = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String path = d.readUTF();
            byte t = d.readByte();
            switch (t) {
                case T_BYTES: { byte[] b = new byte[d.readInt()]; d.readFully(b); state.put(path, b); break; }
                case T_SHORTS: { short[] s = new short[d.readInt()]; for (int j = 0; j < s.length; j++) s[j] = d.readShort(); state.put(path, s); break; }
                case T_BOOLS: { boolean[] z = new boolean[d.readInt()]; for (int j = 0; j < z.length; j++) z[j] = d.readBoolean(); state.put(path, z); break; }
                case T_BYTE: state.put(path, d.readByte()); break;
                case T_SHORT: state.put(path, d.readShort()); break;
                case T_BOOL: state.put(path, d.readBoolean()); break;
                case T_INT: state.put(path, d.readInt()); break;
                default: throw new IOException("bad entry type " + t + " at " + path);
            }
        }
        return state;
    }
}

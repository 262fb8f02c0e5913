package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real PC/SC stack: pcscd with the vpcd driver, the card host started by
 * ./simiot rig up, and opensc-tool as the client. Only reads from the card, so
 * it also runs against a rig somebody already brought up. Fails, never skips,
 * when pcscd or the card cannot run.
 */
public class PcscRigTest {

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

    @Test
    void opensctoolTalksToTheAppletThroughPcscdAndVpcd() throws Exception {
        Rig.get();
        String list = Rig.exec(Arrays.asList("opensc-tool", "-l"), 30);
        assertTrue(list.matches("(?s).*\\d+\\s+Yes\\s+.*" + Rig.READER + ".*"), "card visible to PC/SC:\n" + list);
        String out = Rig.exec(Arrays.asList("opensc-tool", "-r", Rig.READER,
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
    }
}

package simiot.host;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** How the card host presents the card: transmission protocol and response time (a slow card). */
public final class CardHostOptions {
    boolean t0;
    int delayMs;
    int jitterMs;

    /** Defaults from SIMIOT_CARD_PROTOCOL (t0|t1), SIMIOT_CARD_APDU_DELAY_MS and SIMIOT_CARD_APDU_JITTER_MS. */
    static CardHostOptions fromEnvironment(Map<String, String> env) {
        CardHostOptions o = new CardHostOptions();
        String p = env.get("SIMIOT_CARD_PROTOCOL");
        if (p != null && !p.isEmpty()) {
            o.protocol(p);
        }
        String d = env.get("SIMIOT_CARD_APDU_DELAY_MS");
        if (d != null && !d.isEmpty()) {
            o.delayMs = millis("SIMIOT_CARD_APDU_DELAY_MS", d);
        }
        String j = env.get("SIMIOT_CARD_APDU_JITTER_MS");
        if (j != null && !j.isEmpty()) {
            o.jitterMs = millis("SIMIOT_CARD_APDU_JITTER_MS", j);
        }
        return o;
    }

    void protocol(String p) {
        switch (p.toLowerCase(java.util.Locale.ROOT)) {
            case "t0": t0 = true; break;
            case "t1": t0 = false; break;
            default: throw new IllegalArgumentException("card-host: protocol must be t0 or t1, not '" + p + "'");
        }
    }

    static int millis(String name, String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > 60000) {
            throw new IllegalArgumentException("card-host: " + name + " must be 0..60000 ms, not '" + v + "'");
        }
        return n;
    }

    /** Waits as long as this card takes to answer. */
    void delay() {
        int ms = delayMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextInt(jitterMs + 1) : 0);
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package org.simiot.applet;

import javacard.framework.Util;

/**
 * The proactive command builder: turns the head of the proactive queue into
 * the next outstanding command (OPEN CHANNEL, SEND DATA, RECEIVE DATA, CLOSE
 * CHANNEL, REFRESH, SET UP EVENT LIST, TIMER MANAGEMENT), skipping entries
 * the channel state has made pointless.
 */
final class CommandBuilder {
    private final Store store;
    private final Proactive pro;
    private final Outbox out;
    private final Downlink downlink;
    private final byte[] ram;

    CommandBuilder(Store store, Proactive pro, Outbox out, Downlink downlink, byte[] ram) {
        this.store = store;
        this.pro = pro;
        this.out = out;
        this.downlink = downlink;
        this.ram = ram;
    }

    void prepareNext() {
        while (pro.queued() > 0) {
            byte head = pro.head();
            byte channel = ram[Constants.R_CHANNEL];
            if (head == Constants.Q_OPEN) {
                if (channel != 0) {
                    pro.pop();
                    continue;
                }
                buildOpen(false);
            } else if (head == Constants.Q_SEND) {
                if (out.used() == 0) {
                    pro.pop();
                    continue;
                }
                if (channel == 0) {
                    buildOpen(true);
                } else {
                    buildSend(channel);
                }
            } else if (head == Constants.Q_RECEIVE) {
                if (channel == 0) {
                    pro.pop();
                    downlink.reset();
                    continue;
                }
                short o = pro.begin(Constants.CMD_RECEIVE_DATA, (byte) 0, (byte) (Constants.DEV_CHANNEL_BASE | channel));
                o = pro.tagLength(o, (byte) (Constants.TAG_CHANNEL_DATA_LENGTH | Constants.CR), (short) 1);
                pro.buffer()[o++] = (byte) Constants.MAX_CHUNK;
                pro.finish(o, Constants.Q_RECEIVE, false);
            } else if (head == Constants.Q_CLOSE) {
                if (channel == 0) {
                    pro.pop();
                    continue;
                }
                short o = pro.begin(Constants.CMD_CLOSE_CHANNEL, (byte) 0, (byte) (Constants.DEV_CHANNEL_BASE | channel));
                pro.finish(o, Constants.Q_CLOSE, false);
            } else if (head == Constants.Q_REFRESH) {
                short o = pro.begin(Constants.CMD_REFRESH, Constants.QUAL_REFRESH_NAA_INIT, Constants.DEV_TERMINAL);
                pro.finish(o, Constants.Q_REFRESH, false);
            } else if (head == Constants.Q_EVENT_LIST) {
                byte[] c = pro.buffer();
                short o = pro.begin(Constants.CMD_SET_UP_EVENT_LIST, (byte) 0, Constants.DEV_TERMINAL);
                o = pro.tagLength(o, (byte) (Constants.TAG_EVENT_LIST | Constants.CR), (short) 2);
                c[o++] = Constants.EVENT_DATA_AVAILABLE;
                c[o++] = Constants.EVENT_CHANNEL_STATUS;
                pro.finish(o, Constants.Q_EVENT_LIST, false);
            } else if (head == Constants.Q_TIMER_START || head == Constants.Q_TIMER_STOP) {
                buildTimer(head == Constants.Q_TIMER_START);
            } else {
                pro.pop();
                continue;
            }
            return;
        }
    }

    private void buildOpen(boolean implicit) {
        byte[] c = pro.buffer();
        byte[] s = store.state;
        short o = pro.begin(Constants.CMD_OPEN_CHANNEL, Constants.QUAL_OPEN_IMMEDIATE, Constants.DEV_TERMINAL);
        c[o++] = Constants.TAG_BEARER;
        c[o++] = 1;
        c[o++] = Constants.BEARER_DEFAULT;
        c[o++] = Constants.TAG_BUFFER_SIZE;
        c[o++] = 2;
        o = Util.setShort(c, o, Constants.BUFFER_SIZE);
        c[o++] = Constants.TAG_TRANSPORT_LEVEL;
        c[o++] = 3;
        c[o++] = Constants.TRANSPORT_UDP_CLIENT_REMOTE;
        o = Util.arrayCopyNonAtomic(s, (short) (Constants.P_ENDPOINT + Constants.ENDPOINT_PORT), c, o, (short) 2);
        byte type = s[Constants.P_ENDPOINT];
        short alen = type == Constants.ADDRESS_IPV4 ? Constants.IPV4_SIZE : Constants.IPV6_SIZE;
        c[o++] = Constants.TAG_OTHER_ADDRESS;
        c[o++] = (byte) (alen + 1);
        c[o++] = type;
        o = Util.arrayCopyNonAtomic(s, (short) (Constants.P_ENDPOINT + 1), c, o, alen);
        pro.finish(o, Constants.Q_OPEN, implicit);
    }

    /** SEND DATA with the head frame's next chunk (immediate for its last). */
    private void buildSend(byte channel) {
        byte[] tx = out.buffer();
        short frameLen = Util.getShort(tx, (short) 0);
        short sent = Util.getShort(ram, Constants.R_TX_SENT);
        short rest = (short) (frameLen - sent);
        short chunk = rest > Constants.MAX_CHUNK ? Constants.MAX_CHUNK : rest;
        byte qualifier = chunk == rest ? Constants.QUAL_SEND_IMMEDIATE : Constants.QUAL_SEND_STORE;
        short o = pro.begin(Constants.CMD_SEND_DATA, qualifier, (byte) (Constants.DEV_CHANNEL_BASE | channel));
        o = pro.tagLength(o, (byte) (Constants.TAG_CHANNEL_DATA | Constants.CR), chunk);
        o = Util.arrayCopyNonAtomic(tx, (short) (Constants.FRAME_PREFIX + sent), pro.buffer(), o, chunk);
        Util.setShort(ram, Constants.R_OUT_CHUNK, chunk);
        pro.finish(o, Constants.Q_SEND, false);
    }

    private void buildTimer(boolean start) {
        byte[] c = pro.buffer();
        short o = pro.begin(Constants.CMD_TIMER_MANAGEMENT,
                start ? Constants.QUAL_TIMER_START : Constants.QUAL_TIMER_DEACTIVATE, Constants.DEV_TERMINAL);
        c[o++] = (byte) (Constants.TAG_TIMER_ID | Constants.CR);
        c[o++] = 1;
        c[o++] = Constants.FALLBACK_TIMER_ID;
        if (start) {
            short secs = Util.getShort(store.state, Constants.P_FALLBACK_SECONDS);
            c[o++] = (byte) (Constants.TAG_TIMER_VALUE | Constants.CR);
            c[o++] = 3;
            c[o++] = swappedBcd((short) (secs / 3600));
            c[o++] = swappedBcd((short) ((short) (secs % 3600) / 60));
            c[o++] = swappedBcd((short) (secs % 60));
        }
        pro.finish(o, start ? Constants.Q_TIMER_START : Constants.Q_TIMER_STOP, false);
    }

    /** Semi-octet (swapped-nibble BCD) digits, as TS 102 223 codes the timer value. */
    private static byte swappedBcd(short v) {
        return (byte) ((short) ((short) (v % 10) << 4) | (short) (v / 10));
    }
}

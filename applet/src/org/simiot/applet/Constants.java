package org.simiot.applet;

/** Every instruction, status word, tag, offset and size the applet uses. */
final class Constants {
    private Constants() {
    }

    // ---- classes and instructions
    static final byte CLA_ISO = (byte) 0x00;
    static final byte CLA_PROPRIETARY = (byte) 0x80;

    static final byte INS_SELECT = (byte) 0xA4;
    static final byte INS_GET_CHALLENGE = (byte) 0x84;
    static final byte INS_EXTERNAL_AUTHENTICATE = (byte) 0x82;
    static final byte INS_TERMINAL_PROFILE = (byte) 0x10;
    static final byte INS_FETCH = (byte) 0x12;
    static final byte INS_TERMINAL_RESPONSE = (byte) 0x14;
    static final byte INS_ENVELOPE = (byte) 0xC2;
    static final byte INS_SUBMIT_READINGS = (byte) 0xD0;
    static final byte INS_REPORT_CARRIER = (byte) 0xD2;
    static final byte INS_SUBMIT_COMPACT = (byte) 0xD4;
    static final byte INS_GET_UPLINK_ACK = (byte) 0xA2;
    static final byte INS_GET_STATUS = (byte) 0xCA;
    static final byte INS_PUT_DATA = (byte) 0xDA;

    // ---- status words beyond ISO7816
    static final short SW_PROACTIVE_PENDING = (short) 0x9100;
    static final short SW_TOOLKIT_BUSY = (short) 0x9300;
    static final short SW_REFERENCED_DATA_NOT_FOUND = (short) 0x6A88;
    static final short SW_VERIFY_FAILED = (short) 0x63C0;
    static final short SW_AUTH_BLOCKED = (short) 0x6983;

    // ---- PUT DATA objects (P2)
    static final byte DO_MODEM_ID = (byte) 0x01;
    static final byte DO_MASTER_KEY = (byte) 0x02;
    static final byte DO_ENDPOINT = (byte) 0x03;
    static final byte DO_SUBSCRIPTIONS = (byte) 0x04;
    static final byte DO_CURRENT_CARRIER = (byte) 0x05;
    static final byte DO_LEGACY_MODE = (byte) 0x06;
    static final byte DO_ADMIN_KEY = (byte) 0x07;
    static final byte DO_FALLBACK_SECONDS = (byte) 0x08;
    static final byte DO_LOCK = (byte) 0xFF;

    // ---- personalisation flags (persistent byte P_FLAGS)
    static final byte F_MODEM_ID = (byte) 0x01;
    static final byte F_MASTER_KEY = (byte) 0x02;
    static final byte F_ENDPOINT = (byte) 0x04;
    static final byte F_SUBSCRIPTIONS = (byte) 0x08;
    static final byte F_LOCKED = (byte) 0x10;
    static final byte F_LEGACY = (byte) 0x20;
    static final byte F_COMPLETE = (byte) 0x0F;
    static final byte F_STORED = (byte) 0x3F;
    /** Status-only flags, never stored. */
    static final byte F_ADMIN_AUTHENTICATED = (byte) 0x40;
    static final byte F_FALLBACK_ARMED = (byte) 0x80;

    // ---- persistent state array layout
    static final short P_FLAGS = 0;
    static final short P_CARRIER = 1;
    static final short P_PREVIOUS_CARRIER = 2;
    static final short P_FALLBACK_ARMED = 3;
    static final short P_SUBSCRIPTIONS = 4;   // u16 bit mask, bit n = carrier id n
    static final short P_FALLBACK_SECONDS = 6; // u16
    static final short P_ADMIN_TRIES = 8;
    static final short P_SEQ_LIMIT = 9;       // u32: every uplink sequence below it may have been used
    static final short P_RX_HIGHEST = 13;     // u32: highest accepted downlink sequence
    static final short P_RX_BITMAP = 17;      // u64: bit i set when highest-1-i was accepted
    static final short WINDOW_BITMAP_SIZE = 8;
    static final short WINDOW_STATE_SIZE = 12; // highest and bitmap, reset together
    static final short P_MODEM_ID = 25;       // u64
    static final short P_ENDPOINT = 33;       // type (21 IPv4 / 57 IPv6), 16 address bytes, u16 port
    static final short P_SIZE = 52;

    static final short ENDPOINT_SIZE = 19;
    static final short ENDPOINT_PORT = 17;     // offset of the u16 port in the endpoint record
    static final byte ADDRESS_IPV4 = (byte) 0x21;
    static final byte ADDRESS_IPV6 = (byte) 0x57;
    static final short IPV4_SIZE = 4;
    static final short IPV6_SIZE = 16;

    // ---- RAM state (CLEAR_ON_RESET) layout
    static final short R_SESSION = 0;         // 1 when the toolkit session is active
    static final short R_CHANNEL = 1;         // BIP channel id, 0 = closed
    static final short R_COMMAND_NUMBER = 2;
    static final short R_OUT_STATE = 3;       // OUT_NONE / OUT_READY / OUT_FETCHED
    static final short R_OUT_KIND = 4;        // queue code of the outstanding proactive command
    static final short R_OUT_IMPLICIT = 5;    // 1 when an OPEN CHANNEL was inserted before a SEND
    static final short R_OUT_LENGTH = 6;      // u16 length of the proactive command
    static final short R_OUT_CHUNK = 8;       // u16 bytes carried by the outstanding SEND DATA
    static final short R_QUEUE_COUNT = 10;
    static final short R_QUEUE = 11;          // QUEUE_SIZE queue codes
    static final short QUEUE_SIZE = 12;
    static final short R_TX_USED = 23;        // u16 bytes used in the frame FIFO
    static final short R_TX_SENT = 25;        // u16 bytes of the head frame already sent
    static final short R_RX_LENGTH = 27;      // u16 bytes of the datagram being received
    static final short R_RX_OVERFLOW = 29;
    static final short R_RX_SPARE = 30;
    static final short R_SEQ_LOADED = 31;
    static final short R_SEQ_NEXT = 32;       // u32 next uplink sequence
    static final short R_COUNT_BAD_MAC = 36;  // u16 counters, saturating
    static final short R_COUNT_REPLAYED = 38;
    static final short R_COUNT_MALFORMED = 40;
    static final short R_COUNT_SENT = 42;
    static final short R_COUNT_DROPPED = 44;
    static final short R_ACK_VALID = 46;
    static final short R_ACK = 47;            // u32 highest + u64 bitmap of the last verified uplink-ack
    static final short R_OPEN_LENGTH = 59;    // u16 plaintext bytes in the v3 frame being filled
    static final short R_SIZE = 61;

    // ---- RAM state (CLEAR_ON_DESELECT) layout
    static final short A_AUTHENTICATED = 0;
    static final short A_CHALLENGE_VALID = 1;
    static final short A_CHALLENGE = 2;
    static final short A_SIZE = 18;

    static final byte OUT_NONE = 0;
    static final byte OUT_READY = 1;
    static final byte OUT_FETCHED = 2;

    // ---- proactive queue codes
    static final byte Q_OPEN = 1;
    static final byte Q_SEND = 2;
    static final byte Q_RECEIVE = 3;
    static final byte Q_CLOSE = 4;
    static final byte Q_REFRESH = 5;
    static final byte Q_TIMER_START = 6;
    static final byte Q_TIMER_STOP = 7;
    static final byte Q_EVENT_LIST = 8;

    // ---- sizes
    static final short PROACTIVE_SIZE = 256;
    static final short TX_SIZE = 640;
    /** The v3 frame being filled: 452 plaintext bytes make a 474-byte frame, two full SEND DATA chunks. */
    static final short OPEN_SIZE = 452;
    static final short RX_SIZE = 256;
    static final short SCRATCH_SIZE = 96;
    static final short MAX_CHUNK = 237;       // channel data per SEND DATA / RECEIVE DATA
    static final short KEY_SIZE = 16;
    static final short CHALLENGE_SIZE = 16;
    static final short MODEM_ID_SIZE = 8;
    static final byte ADMIN_TRIES = 5;
    static final short SEQ_BLOCK = 32;        // uplink sequence numbers reserved per EEPROM write
    static final short DEFAULT_FALLBACK_SECONDS = 300;
    static final short STATUS_SIZE = 58;
    static final short ACK_SIZE = 12;
    static final short COUNTER_MAX = 0x7FFF;
    static final short COUNTERS_SIZE = 10;    // the five R_COUNT_* counters
    static final short FRAME_PREFIX = 2;      // u16 length before each frame in the FIFO
    static final short LEGACY_FRAME_OVERHEAD = FRAME_PREFIX + 1; // and the v1 flow byte
    /** Free proactive queue entries a carrier switch needs before it acts. */
    static final short PERFORM_QUEUE_ENTRIES = 5;
    /** Proactive queue entries the fallback needs (CLOSE, REFRESH, SEND). */
    static final short FALLBACK_QUEUE_ENTRIES = 3;

    // ---- GET STATUS record layout (docs/applet.md)
    static final short S_VERSION = 0;
    static final short S_FLAGS = 1;
    static final short S_MODEM_ID = 2;
    static final short S_CARRIER = 10;
    static final short S_PREVIOUS_CARRIER = 11;
    static final short S_SUBSCRIPTIONS = 12;
    static final short S_SEQUENCE = 14;       // next uplink sequence
    static final short S_RX_HIGHEST = 18;
    static final short S_COUNTERS = 22;
    static final short S_SESSION = 32;
    static final short S_CHANNEL = 33;
    static final short S_QUEUE_COUNT = 34;
    static final short S_PENDING = 35;        // length of the proactive command waiting to be fetched
    static final short S_FALLBACK_SECONDS = 36;
    static final short S_ADMIN_TRIES = 38;
    static final short S_ENDPOINT = 39;

    // ---- v1 packets (seed format)
    static final byte V1_IOT_DATA = (byte) 0x00;
    static final byte V1_PERFORM = (byte) 0x10;
    static final byte V1_ACK = (byte) 0x11;
    static final byte V1_STATUS_ACK = 0;
    static final byte V1_STATUS_NACK = 1;
    static final short READING_HEADER = 13;   // device id (4), temporenc DTS us (8), length (1)
    static final byte DTS_US_MASK = (byte) 0xF0;
    static final byte DTS_US_PREFIX = (byte) 0x50;
    static final byte CARRIER_DISCONNECT = 0x0F;
    static final short CARRIER_VALID_MASK = (short) 0x8007;
    static final short CARRIER_MAX = 15;
    static final byte NIBBLE = 0x0F;          // carrier id / status nibble of a v1 packet
    static final short V1_PACKET_SIZE = 2;    // Carrier Switch Perform, Carrier Switch ACK
    static final short READING_OFF_DTS = 4;
    static final short READING_OFF_LENGTH = 12;

    // ---- v2 secure frame
    static final byte V2_MAGIC = (byte) 0xA2;
    static final byte V3_MAGIC = (byte) 0xA3;

    // ---- SUBMIT COMPACT (v3 compact reading blocks, docs/protocol.md)
    static final byte P1_SEAL = 0x01;         // seal the open frame after appending
    static final byte P1_NEW_FRAME = 0x02;    // discard what is open first (the agent resubmits it)
    static final short COMPACT_BLOCK_HEADER = 9;   // u64 base time, u8 count
    static final short COMPACT_OFF_COUNT = 8;
    static final short COMPACT_READING_HEADER = 4; // device, format, u16 time step
    static final short COMPACT_OFF_FORMAT = 1;
    static final byte COMPACT_COUNT_MASK = 0x1F;  // bit 5 flags delta-coded values: the card only needs the size
    static final short COMPACT_WIDTH_SHIFT = 6;
    static final byte KIND_UPLINK_DATA = 0x01;
    static final byte KIND_UPLINK_ACK = 0x02;
    static final byte KIND_DOWNLINK_COMMAND = 0x03;
    static final byte KIND_COMMAND_RESULT = 0x04;
    static final short V2_HEADER = 14;
    static final short V2_TAG = 8;
    static final short V2_OVERHEAD = 22;
    static final short V2_OFF_KIND = 1;
    static final short V2_OFF_MODEM_ID = 2;
    static final short V2_OFF_SEQUENCE = 10;
    static final short WINDOW_SIZE = 64;
    static final short COMMAND_ID_SIZE = 4;
    /** Plaintext of a downlink command and of its result: command id (u32), one v1 packet. */
    static final short V2_COMMAND_PLAIN = COMMAND_ID_SIZE + V1_PACKET_SIZE;
    static final short COMMAND_OFF_PERFORM = COMMAND_ID_SIZE; // in the plaintext of a downlink command
    static final short COMMAND_OFF_CARRIER = COMMAND_OFF_PERFORM + 1;

    // ---- KDF labels (ASCII)
    static final byte LABEL_ENC_UP = 0;
    static final byte LABEL_MAC_UP = 1;
    static final byte LABEL_ENC_DOWN = 2;
    static final byte LABEL_MAC_DOWN = 3;

    // ---- ETSI TS 102 223 encodings
    static final byte TAG_PROACTIVE = (byte) 0xD0;
    static final byte TAG_EVENT_DOWNLOAD = (byte) 0xD6;
    static final byte TAG_TIMER_EXPIRATION = (byte) 0xD7;
    static final byte TAG_COMMAND_DETAILS = 0x01;
    static final byte TAG_DEVICE_IDENTITIES = 0x02;
    static final byte TAG_RESULT = 0x03;
    static final byte TAG_EVENT_LIST = 0x19;
    static final byte TAG_TIMER_ID = 0x24;
    static final byte TAG_TIMER_VALUE = 0x25;
    static final byte TAG_BEARER = 0x35;
    static final byte TAG_CHANNEL_DATA = 0x36;
    static final byte TAG_CHANNEL_DATA_LENGTH = 0x37;
    static final byte TAG_CHANNEL_STATUS = 0x38;
    static final byte TAG_BUFFER_SIZE = 0x39;
    static final byte TAG_TRANSPORT_LEVEL = 0x3C;
    static final byte TAG_OTHER_ADDRESS = 0x3E;
    static final byte CR = (byte) 0x80;
    static final byte TAG_MASK = 0x7F;

    static final byte CMD_REFRESH = 0x01;
    static final byte CMD_SET_UP_EVENT_LIST = 0x05;
    static final byte CMD_TIMER_MANAGEMENT = 0x27;
    static final byte CMD_OPEN_CHANNEL = 0x40;
    static final byte CMD_CLOSE_CHANNEL = 0x41;
    static final byte CMD_RECEIVE_DATA = 0x42;
    static final byte CMD_SEND_DATA = 0x43;

    static final byte QUAL_OPEN_IMMEDIATE = 0x01;
    static final byte QUAL_SEND_STORE = 0x00;
    static final byte QUAL_SEND_IMMEDIATE = 0x01;
    /** REFRESH "NAA Initialization": the modem re-reads the network profile and re-attaches. */
    static final byte QUAL_REFRESH_NAA_INIT = 0x03;
    static final byte QUAL_TIMER_START = 0x00;
    static final byte QUAL_TIMER_DEACTIVATE = 0x01;

    static final byte DEV_UICC = (byte) 0x81;
    static final byte DEV_TERMINAL = (byte) 0x82;
    static final byte DEV_CHANNEL_BASE = 0x20;

    static final byte EVENT_DATA_AVAILABLE = 0x09;
    static final byte EVENT_CHANNEL_STATUS = 0x0A;
    static final byte BEARER_DEFAULT = 0x03;
    static final short BUFFER_SIZE = 1500;
    static final byte TRANSPORT_UDP_CLIENT_REMOTE = 0x01;
    static final byte CHANNEL_ID_MASK = 0x07;
    static final byte CHANNEL_LINK_UP = (byte) 0x80;
    static final byte RESULT_SUCCESS_MAX = 0x0F;
    static final byte RESULT_BIP_ERROR = 0x3A;
    static final byte BIP_CHANNEL_CLOSED = 0x02;
    static final byte BIP_CHANNEL_ID_INVALID = 0x03;
    static final byte FALLBACK_TIMER_ID = 0x01;
    static final byte LENGTH_MORE_THAN_255 = (byte) 0xFF;

    // Terminal profile: byte 12 OPEN/CLOSE/RECEIVE/SEND, byte 17 UDP client remote.
    static final short PROFILE_BIP_BYTE = 11;
    static final byte PROFILE_BIP_BITS = 0x0F;
    static final short PROFILE_TRANSPORT_BYTE = 16;
    static final byte PROFILE_UDP_BIT = 0x02;

    static final byte STATUS_VERSION = 0x01;
}

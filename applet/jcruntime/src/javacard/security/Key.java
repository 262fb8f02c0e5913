package javacard.security;

/** Base interface of all keys (JC 3.0.5). */
public interface Key {
    boolean isInitialized();

    void clearKey();

    byte getType();

    short getSize();
}

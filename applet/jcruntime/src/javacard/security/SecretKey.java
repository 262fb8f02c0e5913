package javacard.security;

/** Marker for symmetric keys. */
public interface SecretKey extends Key {
}

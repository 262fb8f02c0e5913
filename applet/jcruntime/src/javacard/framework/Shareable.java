package javacard.framework;

/** Marker for objects shared across the applet firewall. */
public interface Shareable {
}

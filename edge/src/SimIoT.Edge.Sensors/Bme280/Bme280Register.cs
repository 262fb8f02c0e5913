namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>Registers named as in the Bosch BME280 datasheet BST-BME280-DS002, table 18 (memory map).</summary>
internal enum Bme280Register : byte
{
    CALIB00 = 0x88, // dig_T1 .. dig_P9 (0x88..0x9F), dig_H1 at 0xA1
    DIG_H1 = 0xA1,
    ID = 0xD0,
    RESET = 0xE0,
    CALIB26 = 0xE1, // dig_H2 .. dig_H6 (0xE1..0xE7)
    CTRL_HUM = 0xF2,
    STATUS = 0xF3,
    CTRL_MEAS = 0xF4,
    CONFIG = 0xF5,
    PRESS_MSB = 0xF7, // press, temp, hum: 0xF7..0xFE, one burst read
}

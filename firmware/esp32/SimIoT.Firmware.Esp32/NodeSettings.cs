namespace SimIoT.Firmware.Esp32
{
    /// <summary>
    /// The node's configuration, compiled into the image: edit before flashing. The core parses and
    /// validates it at boot (NodeConfiguration.Parse); a refused configuration is printed and the node stops.
    /// </summary>
    internal static class NodeSettings
    {
        public const string Text =
            "node=esp32-greenhouse\n" +
            "broker=192.168.1.20:1883\n" +
            "sensors=imu:100,gyro:100,temp:1\n" +
            "buffer=1000\n" +
            "wifi_ssid=your-ssid\n" +
            "wifi_password=your-wifi-password\n";

        /// <summary>ESP32 DevKitC default I2C pins (GPIO21 SDA, GPIO22 SCL), bus I2C1.</summary>
        public const int SdaPin = 21, SclPin = 22, I2cBus = 1;
    }
}

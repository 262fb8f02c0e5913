using System;
using System.Device.I2c;
using System.Device.Wifi;
using System.Diagnostics;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Networking;
using SimIoT.Firmware.Config;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Esp32
{
    /// <summary>
    /// The device shell: configuration, Wi-Fi and SNTP, the I2C pins and chips, the MQTT client, then
    /// the core's loop forever. Everything else is the core (firmware/src/SimIoT.Firmware.Core).
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            NodeConfiguration config;
            try
            {
                config = NodeConfiguration.Parse(NodeSettings.Text);
            }
            catch (ConfigurationException e)
            {
                Debug.WriteLine("configuration refused: " + e.Message);
                Thread.Sleep(Timeout.Infinite);
                return;
            }

            // Wi-Fi with automatic reconnection; the core's backoff covers the broker while the network is away.
            var joined = WifiNetworkHelper.ConnectDhcp(config.WifiSsid, config.WifiPassword, WifiReconnectionKind.Automatic, requiresDateTime: false, token: new CancellationTokenSource(60000).Token);
            Debug.WriteLine(joined ? "Wi-Fi joined" : "Wi-Fi not joined yet: " + WifiNetworkHelper.Status);
            Sntp.Start(); // readings carry 0 (stamp on arrival) until the first SNTP answer sets the clock

            Configuration.SetPinFunction(NodeSettings.SdaPin, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(NodeSettings.SclPin, DeviceFunction.I2C1_CLOCK);
            var clock = new DeviceClock();
            var mpu = new Mpu6050(new NanoI2cDevice(I2cDevice.Create(new I2cConnectionSettings(NodeSettings.I2cBus, Mpu6050.DefaultAddress, I2cBusSpeed.FastMode))));
            var bme = new Bme280(new NanoI2cDevice(I2cDevice.Create(new I2cConnectionSettings(NodeSettings.I2cBus, Bme280.DefaultAddress, I2cBusSpeed.FastMode))), clock);
            ISensor[] sensors = { ChipSensor.Accelerometer(mpu), ChipSensor.Gyroscope(mpu), ChipSensor.Temperature(bme) };

            var loop = new NodeLoop(config, sensors, new M2MqttLink(config.BrokerHost, config.BrokerPort), clock, clock, new SerialObserver(), new Random());
            while (true)
            {
                loop.RunOnce();
            }
        }
    }
}

using System;
using System.Device.I2c;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Esp32
{
    /// <summary>The core's I2C chip over nanoFramework's System.Device.I2c (results, not exceptions, report failures there).</summary>
    internal sealed class NanoI2cDevice : II2cDevice
    {
        private readonly I2cDevice _device;

        public NanoI2cDevice(I2cDevice device)
        {
            _device = device;
        }

        public void Write(byte[] buffer) => Check(_device.Write(new SpanByte(buffer)));

        public void WriteRead(byte[] writeBuffer, byte[] readBuffer) => Check(_device.WriteRead(new SpanByte(writeBuffer), new SpanByte(readBuffer)));

        private void Check(I2cTransferResult result)
        {
            if (result.Status != I2cTransferStatus.FullTransfer)
            {
                throw new SensorException("I2C 0x" + _device.ConnectionSettings.DeviceAddress.ToString("X2") + ": " + StatusName(result.Status));
            }
        }

        private static string StatusName(I2cTransferStatus status)
        {
            switch (status)
            {
                case I2cTransferStatus.SlaveAddressNotAcknowledged: return "address not acknowledged";
                case I2cTransferStatus.ClockStretchTimeout: return "clock stretch timeout";
                case I2cTransferStatus.PartialTransfer: return "partial transfer";
                default: return "unknown error";
            }
        }
    }
}

using SimIoT.Firmware.Node;

return NodeCommand.Create().Parse(args).Invoke();

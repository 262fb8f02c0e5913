namespace SimIoT.Cloud.Store;

/// <summary>The fleet's orders; each ends on the modem id, so it is total and a keyset cursor can resume it.</summary>
public enum ModemSort
{
    /// <summary>Id ascending.</summary>
    Id,

    /// <summary>Nickname ascending, then id.</summary>
    Nickname,

    /// <summary>Last seen newest first (never seen last), then id descending.</summary>
    LastSeen,
}

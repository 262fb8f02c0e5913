namespace SimIoT.Edge.Sim;

/// <summary>
/// Re-points or re-keys a personalised (possibly locked) card with its administrator key, writing
/// only the items given: unlike <see cref="CardProvisioner"/> it never writes the modem id, which a
/// locked card refuses (6985).
/// </summary>
public static class CardUpdater
{
    public static async Task UpdateAsync(SimCard card, ReadOnlyMemory<byte> adminKey, CardUpdate update, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(update);
        if (update.IsEmpty) throw new ArgumentException("nothing to change: give a cloud endpoint, a master key or a new administrator key", nameof(update));
        if (update.MasterKey is { Length: not 16 }) throw new ArgumentException("the master key is 16 bytes", nameof(update));

        await card.SelectAsync(cancellationToken).ConfigureAwait(false);
        await card.AuthenticateAsync(adminKey, cancellationToken).ConfigureAwait(false);
        progress?.Report("administrator authenticated");
        if (update.CloudEndpoint is { } endpoint)
        {
            await card.PutDataAsync(PersonalisationObject.Endpoint, CardProvisioner.EncodeEndpoint(endpoint), cancellationToken).ConfigureAwait(false);
            progress?.Report($"cloud endpoint {endpoint}");
        }
        if (update.MasterKey is { } key)
        {
            await card.PutDataAsync(PersonalisationObject.MasterKey, key, cancellationToken).ConfigureAwait(false);
            progress?.Report("master key");
        }
        // Last: a failure before it leaves the card on the key the caller holds.
        if (update.NewAdminKey is { } admin)
        {
            await card.PutDataAsync(PersonalisationObject.AdminKey, admin, cancellationToken).ConfigureAwait(false);
            progress?.Report("new administrator key");
        }
    }
}

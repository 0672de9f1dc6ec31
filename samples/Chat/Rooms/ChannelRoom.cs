using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Samples.Chat.History;
using ActorWs.Samples.Chat.Identity;
using ActorWs.Samples.Chat.Protocol;
using ActorWs.Samples.Chat.Settings;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;

namespace ActorWs.Samples.Chat.Rooms;

/// <summary>
/// A chat room joined by name (<c>{"op":"join","room":"general"}</c> on <c>/ws</c>): it admits members with a valid
/// display name, sends each newcomer the members and the last messages, relays chat messages (numbered, with the
/// author's name and the server's time) and typing notices, and tells everyone who comes and goes.
/// </summary>
/// <remarks>
/// <para>Runs inside its room actor, one callback at a time (no locks on its fields). What it sends is room data,
/// so clients get it as <c>{"op":"message","room":…,"data":{"kind":…}}</c>; see the README for every kind.</para>
/// <para>History lives in the <see cref="ChatHistoryStore"/>, so a restarted room (and a room made again after it
/// went away empty) still has it. An invalid message is refused with <see cref="RoomMessageRejectedException"/>
/// (the member gets an error reply); the room never fails on a member's input.</para>
/// </remarks>
public sealed partial class ChannelRoom : Room
{
    /// <summary>The room type's registered name (the built-in <c>chat</c> type has no history, so this is a type of its own).</summary>
    public const string TypeName = "channel";

    /// <summary>Refusal: a member without a chat identity (connected to another route).</summary>
    public const string NoIdentity = "connect to /ws with ?name=<display name> to chat";

    /// <summary>Refusal: binary data.</summary>
    public const string BinaryRefused = "chat rooms take JSON messages (op send), not binary";

    private readonly ChatHistoryStore _store;
    private readonly ChatSettings _settings;
    private readonly TimeProvider _time;
    private string? _nameProblem;
    private ChatHistory? _history;

    /// <summary>A room keeping its history in <paramref name="store"/>, by <paramref name="settings"/>, stamping messages with <paramref name="time"/>.</summary>
    public ChannelRoom(ChatHistoryStore store, ChatSettings settings, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The room's history, taken from the store when the first member is admitted (rooms with invalid names never take one).</summary>
    private ChatHistory History => _history ??= _store.Acquire(Name);

    /// <inheritdoc />
    protected override void OnCreate(JsonElement options) => ChannelName.TryValidate(Name, out _nameProblem);

    /// <inheritdoc />
    protected override RoomAuthResult OnAuth(RoomMember client, JsonElement options)
    {
        if (_nameProblem is not null) return RoomAuthResult.Reject(_nameProblem);
        if (client.Identity is not ChatIdentity identity) return RoomAuthResult.Reject(NoIdentity);
        return DisplayNameRules.TryValidate(identity.DisplayName, out var problem) ? RoomAuthResult.Accept() : RoomAuthResult.Reject(problem!);
    }

    /// <summary>Sends the newcomer the room as it is (members and history), then tells the others.</summary>
    /// <remarks>After a restart every member joins the fresh room again: each gets a snapshot and the others a
    /// <c>joined</c> for someone they already list, which the page takes as a no-op.</remarks>
    protected override void OnJoin(RoomMember member)
    {
        member.State = new ChatMember(((ChatIdentity)member.Identity!).DisplayName);
        SendSnapshot(member);
        Broadcast((Room: this, Member: member), static (w, s) => s.Room.WritePresence(w, s.Member, joined: true), WebSocketMessageType.Text, except: member);
    }

    /// <inheritdoc />
    protected override void OnLeave(RoomMember member, bool consented) =>
        Broadcast((Room: this, Member: member), static (w, s) => s.Room.WritePresence(w, s.Member, joined: false), WebSocketMessageType.Text);

    /// <inheritdoc />
    protected override void OnMessage(RoomMember member, WebSocketMessage message)
    {
        if (message.Type != WebSocketMessageType.Text) throw new RoomMessageRejectedException(BinaryRefused);
        if (!ChatCommandParser.TryParse(message.Span, _settings.MaxTextLength, out var command, out var error))
            throw new RoomMessageRejectedException(error!);
        var state = (ChatMember)member.State!;
        switch (command.Kind)
        {
            case ChatCommandKind.Say:
                Say(member, state, command);
                break;
            case ChatCommandKind.Typing:
                Typing(member, state, command.Active);
                break;
            case ChatCommandKind.Sync:
                SendSnapshot(member);
                break;
        }
    }

    private void Say(RoomMember member, ChatMember state, ChatCommand command)
    {
        // A resend of a message the room already has (the page resends what it could not confirm after a lost
        // connection): the sender gets it again, to settle its pending copy; the others already have it.
        if (command.ClientId is { } clientId && History.FindByClientId(clientId, state.Name) is { } known)
        {
            Send(member, (Room: this, Entry: known), static (w, s) => s.Room.WriteSay(w, s.Entry), WebSocketMessageType.Text);
            return;
        }
        var entry = History.Append(member.Id, state.Name, command.Text, _time.GetUtcNow().ToUnixTimeMilliseconds(), command.ClientId);
        // The message ends the author's typing on every page; no separate "stopped typing" is needed.
        state.Typing = false;
        Broadcast((Room: this, Entry: entry), static (w, s) => s.Room.WriteSay(w, s.Entry), WebSocketMessageType.Text);
    }

    /// <summary>Relays a typing notice to the others: a start at most once per typing interval, a stop only after a start.</summary>
    private void Typing(RoomMember member, ChatMember state, bool active)
    {
        long now = _time.GetTimestamp();
        if (active)
        {
            if (state.Typing && _time.GetElapsedTime(state.TypingRelayedAt, now) < _settings.TypingInterval) return;
            state.TypingRelayedAt = now;
        }
        else if (!state.Typing)
        {
            return;
        }
        state.Typing = active;
        Broadcast((Room: this, Member: member, Active: active), static (w, s) => s.Room.WriteTyping(w, s.Member, s.Active), WebSocketMessageType.Text, except: member);
    }

    private void SendSnapshot(RoomMember member) =>
        Send(member, this, static (w, room) => room.WriteSnapshot(w), WebSocketMessageType.Text);

    /// <inheritdoc />
    protected override void OnDispose()
    {
        if (_history is null) return;
        _history = null;
        _store.Release(Name);
    }

    /// <summary>What the room keeps per member (<see cref="RoomMember.State"/>).</summary>
    private sealed class ChatMember(string name)
    {
        public string Name { get; } = name;

        /// <summary>Whether the others were last told this member is typing.</summary>
        public bool Typing;

        /// <summary>When a start of typing was last relayed (a <see cref="TimeProvider"/> timestamp).</summary>
        public long TypingRelayedAt;
    }
}

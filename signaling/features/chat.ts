// Club chat. A message is stored before it is broadcast (so history never misses what people
// saw), the ack carries its id and time, and resending a client_id returns the stored message
// without a second broadcast. Broadcasts go through the adapter (every node, recoverable after
// a dropped connection); the sender's own socket has the message in its ack.
import { can } from '../../shared/permissions.js';
import type { SignalingFeature } from '../hub.js';
import type { ChatLog } from '../ports.js';
import { participants, rooms } from '../rooms.js';

export function chatFeature(chat: ChatLog): SignalingFeature {
  return (hub) => {
    hub.on(
      'chat:send',
      async ({ club_id, client_id, body }, client) => {
        await hub.clubRooms.authorize(client, club_id, 'chat.send');
        const { message, created } = await chat.send(club_id, client.userId, client_id, body);
        if (created) client.socket.to(participants(club_id)).emit('chat:message', message);
        return { message, duplicate: !created };
      },
      { bucket: 'chat' },
    );

    hub.on('chat:edit', async ({ club_id, message_id, body }, client) => {
      const { role } = await hub.clubRooms.authorize(client, club_id, 'chat.send');
      const message = await chat.edit(club_id, message_id, client.userId, can(role, 'chat.moderate'), body);
      client.socket.to(participants(club_id)).emit('chat:edited', message);
      return { message };
    });

    hub.on('chat:delete', async ({ club_id, message_id }, client) => {
      const { role } = await hub.clubRooms.authorize(client, club_id, 'chat.send');
      const message = await chat.remove(club_id, message_id, client.userId, can(role, 'chat.moderate'));
      client.socket.to(participants(club_id)).emit('chat:deleted', message);
      return { message };
    });

    hub.on(
      'chat:typing',
      async ({ club_id, typing }, client) => {
        await hub.clubRooms.authorize(client, club_id, 'chat.send');
        // Volatile: a typing indicator that cannot be delivered now is worthless later.
        client.socket.volatile.to(participants(club_id)).emit('chat:typing', { club_id, user_id: client.userId, typing });
        return {};
      },
      { bucket: 'typing' },
    );

    hub.on('chat:read', async ({ club_id, message_id }, client) => {
      await hub.clubRooms.authorize(client, club_id, 'chat.read');
      const marker = await chat.markRead(club_id, client.userId, message_id);
      client.socket.to(rooms.user(client.userId)).emit('chat:read', { club_id, message_id: marker });
      return { club_id, message_id: marker };
    });
  };
}

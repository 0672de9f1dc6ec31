global using ActorWs.Actors;
global using ActorWs.Actors.TestKit;
global using Xunit;
global using ActorTestKit = ActorWs.Actors.TestKit.TestKit;

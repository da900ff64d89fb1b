from workers import Response, WorkerEntrypoint

from greeting import greet


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(greet("Bindery"))

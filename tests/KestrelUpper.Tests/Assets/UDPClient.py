# UDPClient.py - the textbook (Kurose/Ross) UDP client: one datagram out, one recvfrom(2048) back.
# Changes for the tests: server name and port from argv, a 10 s timeout instead of waiting forever.
import sys
from socket import *
serverName = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
clientSocket = socket(AF_INET, SOCK_DGRAM)
clientSocket.settimeout(10)
message = input('Input lowercase sentence:')
clientSocket.sendto(message.encode(), (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
